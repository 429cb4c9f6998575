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

// Module frames resolve against the module's relocatable object, whose sections all start at 0:
// an init function in .init.text and a helper in .text, as a seed .ko has them, each found in
// its own section.
TEST(Symbolize, ModuleFramesResolveAgainstTheModuleObjectPerSection) {
    const fs::path dir = fs::temp_directory_path() / ("mh-symbolize-mod-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "t.c", "int main(void) { return 0; }\n").ok());
    ASSERT_TRUE(write_file_atomic(dir / "mh_t.c",
                                  "__attribute__((noinline)) int mh_t_helper(volatile int *p) {\n"
                                  "    return *p + 1;\n"
                                  "}\n"
                                  "__attribute__((section(\".init.text\"), noinline)) int mh_t_init(void) {\n"
                                  "    volatile int x = 0;\n"
                                  "    return mh_t_helper(&x);\n"
                                  "}\n")
                    .ok());
    auto cc = host::run_process({"gcc", "-O2", "-g", "-o", (dir / "t").string(), (dir / "t.c").string()});
    auto mc = host::run_process({"gcc", "-O2", "-g", "-c", "-o", (dir / "mh_t.ko").string(), (dir / "mh_t.c").string()});
    if (!cc || !cc->success() || !mc || !mc->success()) GTEST_SKIP() << "no C compiler here";
    auto s = Symbolizer::open(dir / "t");
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(s->add_module("mh_t", dir / "mh_t.ko").ok());
    const std::string report =
        "RIP: 0010:mh_t_helper+0x0/0x10 [mh_t]\n"
        " mh_t_init+0x4/0x40 [mh_t]\n"
        " mh_other_init+0x4/0x40 [mh_other]\n"
        " mh_t_gone+0x4/0x40 [mh_t]\n";
    auto sym = s->symbolize(kernel_log::parse_stack_frames(report));
    ASSERT_TRUE(sym.ok()) << sym.error().message;
    ASSERT_EQ(sym->size(), 4u);
    const auto& helper = (*sym)[0];
    ASSERT_FALSE(helper.locations.empty()) << helper.note;
    EXPECT_EQ(helper.locations.back().function, "mh_t_helper");
    EXPECT_EQ(helper.locations.back().file, "mh_t.c") << "the build directory of a seed is temporary: the file name stays";
    EXPECT_GE(helper.locations.back().line, 1);
    EXPECT_LE(helper.locations.back().line, 2);
    const auto& init = (*sym)[1];
    ASSERT_FALSE(init.locations.empty()) << init.note;
    EXPECT_EQ(init.locations.back().function, "mh_t_init") << "looked up in .init.text, not at offset 3 of .text";
    EXPECT_GE(init.locations.back().line, 4);
    EXPECT_LE(init.locations.back().line, 6);
    EXPECT_EQ((*sym)[2].note, "module frame [mh_other]");
    EXPECT_NE((*sym)[3].note.find("not in the symbol table of mh_t.ko"), std::string::npos) << (*sym)[3].note;
    EXPECT_FALSE(s->add_module("mh_x", dir / "no-such.ko").ok());
    fs::remove_all(dir);
}

TEST(Symbolize, AMissingObjectIsAnEnvironmentError) {
    auto s = Symbolizer::open("/nonexistent/vmlinux");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kEnvironment);
}
