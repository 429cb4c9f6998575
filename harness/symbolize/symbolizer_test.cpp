// Tests for symbolisation: the parsers on real tool output, and the real tools (gcc, nm,
// llvm-symbolizer) on a small program built here with DWARF, inlined function included.
#include "harness/symbolize/symbolizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/common/files.h"
#include "harness/host/process.h"

using namespace mh;
using namespace mh::symbolize;
namespace fs = std::filesystem;

TEST(Symbolize, NmTextGivesEveryDefinedSymbolWithItsSize) {
    const auto m = parse_nm(
        "ffffffff81139e00 0000000000000156 t free_module\n"
        "ffffffff819e9082 000000000000006f t __list_del_entry_valid.cold\n"
        "ffffffff81000000 T _text\n"
        "ffffffff82000000 0000000000000010 t show\n"
        "ffffffff82000100 0000000000000040 t show\n"
        "garbage line\n");
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m.at("free_module")[0], std::make_pair(std::uint64_t{0xffffffff81139e00}, std::uint64_t{0x156}));
    EXPECT_EQ(m.at("_text")[0].second, 0u);
    EXPECT_EQ(m.at("show").size(), 2u);
}

// The output of llvm-symbolizer 14 for the 6.1.0-57 cloud vmlinux (its -dbg package), free_module+0x80.
TEST(Symbolize, SymbolizerOutputKeepsTheInlineChainInnermostFirst) {
    const auto locs = parse_symbolizer_output(
        "__list_del_entry\n"
        "debian/build/build_amd64_none_cloud-amd64/include/linux/list.h:141:7\n"
        "list_del_rcu\n"
        "debian/build/build_amd64_none_cloud-amd64/include/linux/rculist.h:157:2\n"
        "free_module\n"
        "debian/build/build_amd64_none_cloud-amd64/kernel/module/main.c:1183:2\n"
        "\n"
        "??\n"
        "??:0:0\n"
        "\n",
        2);
    ASSERT_EQ(locs.size(), 2u);
    ASSERT_EQ(locs[0].size(), 3u);
    EXPECT_EQ(locs[0][0].function, "__list_del_entry");
    EXPECT_EQ(locs[0][0].file, "include/linux/list.h");
    EXPECT_EQ(locs[0][0].line, 141);
    EXPECT_EQ(locs[0][0].column, 7);
    EXPECT_EQ(locs[0][2].function, "free_module");
    EXPECT_EQ(locs[0][2].file, "kernel/module/main.c");
    ASSERT_EQ(locs[1].size(), 1u);
    EXPECT_EQ(locs[1][0].file, "");
    EXPECT_EQ(kernel_relative_path("/build/linux-6.12.118/arch/x86/kernel/module.c"), "arch/x86/kernel/module.c");
    EXPECT_EQ(kernel_relative_path("./kernel/module/main.c"), "kernel/module/main.c");
    EXPECT_EQ(kernel_relative_path("t.c"), "t.c");
}

TEST(Symbolize, ARealProgramWithDwarfResolvesFramesAndInlinedCalls) {
    const fs::path dir = fs::temp_directory_path() / ("mh-symbolize-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "t.c",
                                  "static inline __attribute__((always_inline)) int inner(volatile int *p) { return *p * 3 + 1; }\n"
                                  "__attribute__((noinline)) int outer(volatile int *p) { return inner(p) + 2; }\n"
                                  "int main(void) { volatile int x = 4; return outer(&x); }\n")
                    .ok());
    auto cc = host::run_process({"gcc", "-O2", "-g", "-o", (dir / "t").string(), (dir / "t.c").string()});
    if (!cc || !cc->success()) GTEST_SKIP() << "no C compiler here";
    auto s = Symbolizer::open(dir / "t");
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_NE(s->symbol_address("outer", 0), 0u);
    // A report naming outer's first instruction (the IP: no return-address adjustment), a module
    // frame and a symbol the program does not have.
    const std::string report =
        "RIP: 0010:outer+0x0/0x10\n"
        " mh_oops_init+0x10/0x20 [mh_oops]\n"
        " no_such_function+0x4/0x8\n";
    const auto frames = kernel_log::parse_stack_frames(report);
    ASSERT_EQ(frames.size(), 3u);
    auto sym = s->symbolize(frames);
    ASSERT_TRUE(sym.ok()) << sym.error().message;
    ASSERT_EQ(sym->size(), 3u);
    const auto& ip = (*sym)[0];
    ASSERT_FALSE(ip.locations.empty()) << ip.note;
    // inner is inlined into outer at its first instruction: the chain ends in outer, t.c line 2.
    EXPECT_EQ(ip.locations.back().function, "outer");
    EXPECT_EQ(ip.locations.back().line, 2);
    EXPECT_NE(ip.locations.back().file.find("t.c"), std::string::npos);
    EXPECT_EQ((*sym)[1].note, "module frame [mh_oops]");
    EXPECT_NE((*sym)[2].note.find("not in the symbol table"), std::string::npos);
    const auto text = symbolized_text(report, *sym);
    EXPECT_NE(text.find("RIP: 0010:outer+0x0/0x10 "), std::string::npos) << text;
    EXPECT_NE(text.find("t.c:2\n"), std::string::npos) << text;
    EXPECT_NE(text.find(" mh_oops_init+0x10/0x20 [mh_oops]\n"), std::string::npos) << text;
    fs::remove_all(dir);
}

TEST(Symbolize, AMissingObjectIsAnEnvironmentError) {
    auto s = Symbolizer::open("/nonexistent/vmlinux");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kEnvironment);
}
