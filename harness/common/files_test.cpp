// The whole-file reader: every byte, /proc files of size 0, errors that name the file.
#include "harness/common/files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using namespace mh;
namespace fs = std::filesystem;

TEST(Files, ReadsEveryByte) {
    const fs::path p = fs::path(::testing::TempDir()) / "mh-files-test.bin";
    std::string bytes(200000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
    ASSERT_TRUE(write_file_atomic(p, bytes).ok());
    auto text = read_text_file(p);
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, bytes);
    auto raw = read_file_bytes(p);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(std::string(raw->begin(), raw->end()), bytes);
    fs::remove(p);
}

TEST(Files, ProcFilesThatReportSizeZeroAreReadToTheEnd) {
    auto t = read_text_file("/proc/self/status");
    ASSERT_TRUE(t.ok());
    EXPECT_NE(t->find("Pid:"), std::string::npos);
}

TEST(Files, MissingFileIsAnErrorNamingIt) {
    auto t = read_text_file("/nonexistent/mh-x");
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("'/nonexistent/mh-x'"), std::string::npos);
    EXPECT_FALSE(read_file_bytes("/nonexistent/mh-x").ok());
    EXPECT_EQ(read_text_file("/nonexistent/mh-x").value_or(""), "");
}

}  // namespace
