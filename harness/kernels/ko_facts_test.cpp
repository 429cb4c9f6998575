// Tests for the .ko section/modinfo reader on a gcc-built object and on broken bytes.
#include "harness/kernels/ko_facts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "harness/host/process.h"

namespace {

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::kernels;

TEST(KoFacts, ReadsSectionsAndModinfoOfARealObject) {
    std::string tmpl = (fs::temp_directory_path() / "mh-ko-XXXXXX").string();
    fs::path dir = mkdtemp(tmpl.data());
    std::ofstream(dir / "m.c") << "__attribute__((section(\".modinfo\"), used)) static const char mi[] =\n"
                                  "  \"license=GPL\\0name=mh_x\\0vermagic=6.1.0-1-amd64 SMP \";\n"
                                  "__attribute__((section(\".gnu.linkonce.this_module\"), used)) static char tm[64];\n"
                                  "static char big[4096];\nchar *p = big;\n";
    auto r = host::run_process({"cc", "-c", "-o", (dir / "m.o").string(), (dir / "m.c").string()});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->success()) << r->err;
    auto f = read_ko(dir / "m.o");
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->e_type, 1);
    EXPECT_EQ(f->modinfo_value("name"), "mh_x");
    EXPECT_EQ(f->modinfo_value("license"), "GPL");
    EXPECT_EQ(f->modinfo_value("vermagic"), "6.1.0-1-amd64 SMP ");
    EXPECT_EQ(f->modinfo_value("nam"), "");
    EXPECT_TRUE(f->sections.count(".gnu.linkonce.this_module"));
    ASSERT_TRUE(f->sections.count(".bss"));
    EXPECT_EQ(f->sections.at(".bss").type, 8u);  // NOBITS: no file bytes needed
    fs::remove_all(dir);
}

TEST(KoFacts, BrokenBytesAreErrorsNotCrashes) {
    EXPECT_FALSE(parse_ko("").ok());
    EXPECT_FALSE(parse_ko(std::string(64, '\0')).ok());
    std::string h(64, '\0');
    h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F', h[4] = 2, h[5] = 1;
    h[0x3a] = 64;                 // e_shentsize
    h[0x3c] = 10;                 // e_shnum, but no table
    h[0x28] = 0x40;               // e_shoff at the end
    auto f = parse_ko(h);
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("past the file end"), std::string::npos);
    h[4] = 1;
    EXPECT_FALSE(parse_ko(h).ok());
    EXPECT_FALSE(read_ko("/nonexistent/x.ko").ok());
}

}  // namespace
