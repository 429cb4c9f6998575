// ResultsSink: whole durable lines, and on ENOSPC/EFBIG an error naming file and errno with the file cut back.
#include "harness/session/results_sink.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include "harness/common/files.h"
#include "harness/host/test_files.h"

namespace mh::session {
namespace {

TEST(ResultsSink, AppendsWholeLines) {
    host::testing::TempDir dir("mh-sink");
    auto sink = ResultsSink::open(dir.path / "results.jsonl");
    ASSERT_TRUE(sink.ok()) << sink.error().message;
    ASSERT_TRUE(sink->append("{\"id\":\"a\"}").ok());
    ASSERT_TRUE(sink->append("{\"id\":\"b\"}").ok());
    EXPECT_EQ(read_text_file(dir.path / "results.jsonl").value_or(""), "{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
}

TEST(ResultsSink, FullDeviceIsAnErrorNamingFileAndErrno) {
    // /dev/full: every write fails with ENOSPC, like a full filesystem.
    auto sink = ResultsSink::open("/dev/full");
    ASSERT_TRUE(sink.ok()) << sink.error().message;
    auto st = sink->append("{\"id\":\"a\"}");
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("/dev/full"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("ENOSPC"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("No space left on device"), std::string::npos) << st.error().message;
}

TEST(ResultsSink, ShortWriteIsCutBackToTheLastWholeLine) {
    // A file size limit makes the second line a short write followed by EFBIG: the torn part must
    // not stay in the file.
    host::testing::TempDir dir("mh-sink");
    auto path = dir.path / "results.jsonl";
    auto sink = ResultsSink::open(path);
    ASSERT_TRUE(sink.ok());
    const std::string first(100, 'a'), second(200, 'b'), small(10, 'c');
    ASSERT_TRUE(sink->append(first).ok());
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = old;
    lim.rlim_cur = 150;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
    auto st = sink->append(second);
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, old_handler);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find(path.string()), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("EFBIG"), std::string::npos) << st.error().message;
    EXPECT_EQ(read_text_file(path).value_or(""), first + "\n");
    // The sink keeps working once there is room again.
    ASSERT_TRUE(sink->append(small).ok());
    EXPECT_EQ(read_text_file(path).value_or(""), first + "\n" + small + "\n");
}

TEST(ResultsSink, UnopenableFileIsAnError) {
    auto sink = ResultsSink::open("/nonexistent-dir/results.jsonl");
    ASSERT_FALSE(sink.ok());
    EXPECT_NE(sink.error().message.find("/nonexistent-dir/results.jsonl"), std::string::npos);
    EXPECT_NE(sink.error().message.find("ENOENT"), std::string::npos) << sink.error().message;
}

}  // namespace
}  // namespace mh::session
