// The cpio writer's output is read back by GNU cpio (the reference) when present, and by a parser here.
#include "harness/vm/cpio.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "harness/common/files.h"

using namespace mh;
using namespace mh::vm;

namespace {

struct Entry {
    std::string name;
    unsigned mode;
    std::string data;
};

// Minimal independent newc reader.
std::vector<Entry> parse(const std::string& a) {
    std::vector<Entry> out;
    size_t off = 0;
    auto field = [&](size_t i) { return static_cast<unsigned>(std::stoul(a.substr(off + 6 + i * 8, 8), nullptr, 16)); };
    while (off + 110 <= a.size()) {
        EXPECT_EQ(a.substr(off, 6), "070701");
        unsigned mode = field(1), filesize = field(6), namesize = field(11);
        EXPECT_EQ(field(5), 1u) << "mtime: AFL++ skips foreign-sync files of mtime 0";
        std::string name = a.substr(off + 110, namesize - 1);
        size_t data_off = (off + 110 + namesize + 3) & ~size_t{3};
        out.push_back({name, mode, a.substr(data_off, filesize)});
        off = (data_off + filesize + 3) & ~size_t{3};
        if (name == "TRAILER!!!") break;
    }
    return out;
}

}  // namespace

TEST(Cpio, LayoutAndContent) {
    CpioWriter w;
    w.add_directory("/mh");
    w.add_file("/mh/cases", "idx=0 id=a\n");
    w.add_file("init",
               std::string("\x7f"
                           "ELF",
                           4),
               0755);
    w.add_symlink("lib64", "lib");
    w.add_char_device("dev/console", 5, 1);
    std::string a = w.finish();
    EXPECT_EQ(a.size() % 512, 0u);
    auto e = parse(a);
    ASSERT_EQ(e.size(), 6u);
    EXPECT_EQ(e[0].name, "mh");
    EXPECT_EQ(e[0].mode, 040755u);
    EXPECT_EQ(e[1].data, "idx=0 id=a\n");
    EXPECT_EQ(e[2].mode, 0100755u);
    EXPECT_EQ(e[3].data, "lib");
    EXPECT_EQ(e[5].name, "TRAILER!!!");
}

TEST(Cpio, GnuCpioAgrees) {
    if (std::system("command -v cpio >/dev/null 2>&1") != 0) GTEST_SKIP() << "GNU cpio not installed";
    CpioWriter w;
    w.add_directory("d");
    w.add_file("d/f", std::string(1001, 'z'));
    std::string a = w.finish();
    auto dir = std::filesystem::path(::testing::TempDir()) / "cpio-extract";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "a.cpio", std::ios::binary) << a;
    std::string cmd = "cd " + dir.string() + " && cpio -id --quiet < a.cpio";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(read_text_file(dir / "d/f").value_or(""), std::string(1001, 'z'));
}

TEST(Cpio, GzipRoundTrip) {
    std::string data(100000, 'q');
    std::string gz = gzip_compress(data);
    ASSERT_GE(gz.size(), 10u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    std::string back(data.size(), '\0');
    z_stream zs{};
    ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_in = static_cast<uInt>(gz.size());
    zs.next_out = reinterpret_cast<Bytef*>(back.data());
    zs.avail_out = static_cast<uInt>(back.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    inflateEnd(&zs);
    EXPECT_EQ(back, data);
}
