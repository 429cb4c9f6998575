// Parsers of objdump and addr2line output, on text captured from the fuzz-6.12 build (Debian binutils 2.40).
#include "harness/coverage/coverage_tool_output.h"

#include <gtest/gtest.h>

using namespace mh;
using namespace mh::coverage;

namespace {

// objdump -t kernel/module/decompress.o (abridged).
constexpr const char* kObjectTable = R"(
kernel/module/decompress.o:     file format elf64-x86-64

SYMBOL TABLE:
0000000000000000 l    df *ABS*	0000000000000000 decompress.c
0000000000000000 l    d  .text	0000000000000000 .text
0000000000000000 l       .initcall7.init	0000000000000000 __initcall__kmod_decompress__316_369_module_decompress_sysfs_init7
0000000000000000 l     F .init.text	0000000000000072 module_decompress_sysfs_init
0000000000000000 l     F .text	0000000000000020 compression_show
0000000000000000 l     O .data	0000000000000020 module_compression_attr
0000000000000020 l     F .text	0000000000000136 module_extend_max_pages
0000000000000000 l     F .text.exit	000000000000001a _sub_D_65535_0
0000000000000000 l     F .text.startup	000000000000001a _sub_I_65535_1
0000000000000000         *UND*	0000000000000000 __sanitizer_cov_trace_pc
0000000000000156 g     F .text	00000000000006d7 .hidden module_decompress
0000000000002f0c  w    F .text	0000000000000009 module_arch_cleanup
)";

// objdump -d --no-show-raw-insn of module_decompress_sysfs_init in vmlinux.
constexpr const char* kVmlinuxDisasm = R"(
vmlinux:     file format elf64-x86-64


Disassembly of section .init.text:

ffffffff81d48b45 <module_decompress_sysfs_init>:
ffffffff81d48b45:	endbr64
ffffffff81d48b49:	push   %rbx
ffffffff81d48b4a:	call   ffffffff811d2cbd <__sanitizer_cov_trace_pc>
ffffffff81d48b4f:	mov    $0xffffffff81df4da0,%rax
ffffffff81d48b89:	call   ffffffff8139a984 <sysfs_create_file_ns>
ffffffff81d48b94:	call   ffffffff811d2e03 <__sanitizer_cov_trace_const_cmp4>
ffffffff81d48b99:	test   %ebx,%ebx
ffffffff81d48b9b:	je     ffffffff81d48bae <module_decompress_sysfs_init+0x69>
ffffffff81d48b9d:	call   ffffffff811d2cbd <__sanitizer_cov_trace_pc>
ffffffff81d48ba2:	mov    $0xffffffff818511a0,%rdi
	...
ffffffff81d48bae:	call   ffffffff811d2cbd <__sanitizer_cov_trace_pc>

ffffffff81d48bb3 <next_function>:
ffffffff81d48bb3:	xor    %eax,%eax
ffffffff81d48bb5:	pop    %rbx
ffffffff81d48bb6:	ret
)";

// objdump -dr kernel/module/decompress.o (abridged: two sections).
constexpr const char* kObjectDisasm = R"(
kernel/module/decompress.o:     file format elf64-x86-64


Disassembly of section .init.text:

0000000000000000 <module_decompress_sysfs_init>:
   0:	f3 0f 1e fa          	endbr64
   4:	53                   	push   %rbx
   5:	e8 00 00 00 00       	call   a <module_decompress_sysfs_init+0xa>
			6: R_X86_64_PLT32	__sanitizer_cov_trace_pc-0x4
  4f:	e8 00 00 00 00       	call   54 <module_decompress_sysfs_init+0x54>
			50: R_X86_64_PLT32	__sanitizer_cov_trace_const_cmp4-0x4
  58:	e8 00 00 00 00       	call   5d <module_decompress_sysfs_init+0x5d>
			59: R_X86_64_PLT32	__sanitizer_cov_trace_pc-0x4

Disassembly of section .text.startup:

0000000000000000 <_sub_I_65535_1>:
   0:	f3 0f 1e fa          	endbr64
   4:	e8 00 00 00 00       	call   9 <_sub_I_65535_1+0x9>
			5: R_X86_64_PLT32	__sanitizer_cov_trace_pc-0x4
  15:	e9 00 00 00 00       	jmp    1a <_sub_I_65535_1+0x1a>
			16: R_X86_64_PLT32	__asan_register_globals-0x4
)";

// addr2line -a -f -i -e vmlinux 0xffffffff81d48b4a 0xffffffff81197017 0x10
constexpr const char* kAddr2line = R"(0xffffffff81d48b4a
module_decompress_sysfs_init
/root/.cache/modharness/kernels/fuzz-6.12-5c1f1498e9e30e6e/linux-source-6.12/kernel/module/decompress.c:362
0xffffffff81197017
elf_validity_ehdr
/root/.cache/modharness/kernels/fuzz-6.12-5c1f1498e9e30e6e/linux-source-6.12/kernel/module/main.c:1726
elf_validity_cache_sechdrs
/root/.cache/modharness/kernels/fuzz-6.12-5c1f1498e9e30e6e/linux-source-6.12/kernel/module/main.c:1775 (discriminator 2)
load_module
/root/.cache/modharness/kernels/fuzz-6.12-5c1f1498e9e30e6e/linux-source-6.12/kernel/module/main.c:3093
0x0000000000000010
__per_cpu_start
??:?
)";

}  // namespace

TEST(FunctionSymbols, KeepsDefinedFunctionsWithSectionAndSize) {
    auto syms = parse_function_symbols(kObjectTable);
    ASSERT_EQ(syms.size(), 7u);
    EXPECT_EQ(syms[0], (FunctionSymbol{0, 0x72, ".init.text", "module_decompress_sysfs_init"}));
    EXPECT_EQ(syms[1], (FunctionSymbol{0, 0x20, ".text", "compression_show"}));
    EXPECT_EQ(syms[2], (FunctionSymbol{0x20, 0x136, ".text", "module_extend_max_pages"}));
    EXPECT_EQ(syms[3].section, ".text.exit");
    EXPECT_EQ(syms[4].name, "_sub_I_65535_1");
    EXPECT_EQ(syms[5], (FunctionSymbol{0x156, 0x6d7, ".text", "module_decompress"}));  // ".hidden" is not the name
    EXPECT_EQ(syms[6], (FunctionSymbol{0x2f0c, 0x9, ".text", "module_arch_cleanup", true}));
}

TEST(FunctionSymbols, LinkedAddressesAndStopAtDisassembly) {
    auto syms = parse_function_symbols(
        "ffffffff81196f71 l     F .text\t0000000000004740 load_module\n"
        "ffffffff811d2cbd g     F .text\t0000000000000041 __sanitizer_cov_trace_pc\n"
        "ffffffff819ad6d0 l       __ksymtab\t0000000000000000 __ksymtab___sanitizer_cov_trace_pc\n"
        "Disassembly of section .text:\n"
        "ffffffff81000000 l     F .text\t0000000000000010 after_table\n");
    ASSERT_EQ(syms.size(), 2u);
    EXPECT_EQ(syms[0], (FunctionSymbol{0xffffffff81196f71ull, 0x4740, ".text", "load_module"}));
    EXPECT_EQ(syms[1].value, 0xffffffff811d2cbdull);
}

TEST(FunctionSymbols, SkipsLabelsAndGarbage) {
    EXPECT_TRUE(parse_function_symbols("0000000000000000 <modinfo_version_exists>:\n"
                                       "   4:\te8 00 00 00 00 \tcall 9\n"
                                       "zzzzzzzzzzzzzzzz l     F .text\t0000000000000010 x\n"
                                       "0000000000000000 l     F .text\n")
                    .empty());
}

TEST(KcovCalls, ReturnAddressIsTheNextInstruction) {
    auto calls = parse_kcov_calls(kVmlinuxDisasm);
    ASSERT_TRUE(calls.ok()) << calls.error().message;
    ASSERT_EQ(calls->size(), 3u);  // trace_const_cmp4 and sysfs_create_file_ns are not sites
    EXPECT_EQ((*calls)[0], (KcovCall{0xffffffff81d48b4aull, 0xffffffff81d48b4full}));
    EXPECT_EQ((*calls)[1], (KcovCall{0xffffffff81d48b9dull, 0xffffffff81d48ba2ull}));
    // Across "..." and a symbol label, the next instruction line is still the return address.
    EXPECT_EQ((*calls)[2], (KcovCall{0xffffffff81d48baeull, 0xffffffff81d48bb3ull}));
}

TEST(KcovCalls, OlderMnemonicsAndRawBytes) {
    auto calls = parse_kcov_calls(
        "  ffffffff81000010:\te8 a8 ff ff ff       \tcallq  ffffffff81000000 <__sanitizer_cov_trace_pc>\n"
        "  ffffffff81000015:\t90                   \tnop\n"
        "ffffffff81000016:\tcall   ffffffff81000000 <__sanitizer_cov_trace_pc_guard>\n"
        "ffffffff8100001b:\tcall   ffffffff81000003 <__sanitizer_cov_trace_pc+0x3>\n"
        "ffffffff81000020:\tnop\n");
    ASSERT_TRUE(calls.ok()) << calls.error().message;
    ASSERT_EQ(calls->size(), 1u);
    EXPECT_EQ((*calls)[0].pc, 0xffffffff81000015ull);
}

TEST(KcovCalls, TailJumpsAreMarkedAndHaveNoPc) {
    // mod_tree_insert's last block is only the hook: GCC turns the call into a sibling jump.
    auto calls = parse_kcov_calls(
        "ffffffff8119e473:\tcall   ffffffff811d2cbd <__sanitizer_cov_trace_pc>\n"
        "ffffffff8119e478:\tjmp    ffffffff811d2cbd <__sanitizer_cov_trace_pc>\n");
    ASSERT_TRUE(calls.ok()) << calls.error().message;
    ASSERT_EQ(calls->size(), 2u);
    EXPECT_EQ((*calls)[0], (KcovCall{0xffffffff8119e473ull, 0xffffffff8119e478ull, false}));
    EXPECT_EQ((*calls)[1], (KcovCall{0xffffffff8119e478ull, 0, true}));
}

TEST(KcovCalls, CallWithoutFollowingInstructionIsAnError) {
    auto calls = parse_kcov_calls("ffffffff81d48bae:\tcall   ffffffff811d2cbd <__sanitizer_cov_trace_pc>\n");
    ASSERT_FALSE(calls.ok());
    EXPECT_NE(calls.error().message.find("0xffffffff81d48bae"), std::string::npos);
}

TEST(RelocsBySection, CountsKcovRelocationsPerSection) {
    auto counts = count_relocs_by_section(kObjectDisasm);
    EXPECT_EQ(counts, (std::map<std::string, int>{{".init.text", 2}, {".text.startup", 1}}));
    EXPECT_TRUE(count_relocs_by_section("no sections here").empty());
}

TEST(Addr2line, FramesInnermostFirstPerAddress) {
    auto r = parse_addr2line(kAddr2line);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].address, 0xffffffff81d48b4aull);
    ASSERT_EQ((*r)[0].frames.size(), 1u);
    EXPECT_EQ((*r)[0].frames[0].function, "module_decompress_sysfs_init");
    EXPECT_EQ((*r)[0].frames[0].line, 362);
    ASSERT_EQ((*r)[1].frames.size(), 3u);
    EXPECT_EQ((*r)[1].frames[0].function, "elf_validity_ehdr");
    EXPECT_EQ((*r)[1].frames[1].line, 1775);  // discriminator dropped
    EXPECT_TRUE((*r)[1].frames[1].file.ends_with("/kernel/module/main.c"));
    EXPECT_EQ((*r)[1].frames[2].function, "load_module");
    EXPECT_EQ((*r)[2].frames[0], (SourceFrame{"__per_cpu_start", "??", 0}));
}

TEST(Addr2line, RelativizesAgainstTheInferredRoot) {
    auto r = parse_addr2line(kAddr2line);
    ASSERT_TRUE(r.ok());
    const std::string root = infer_source_root(*r);
    EXPECT_EQ(root, "/root/.cache/modharness/kernels/fuzz-6.12-5c1f1498e9e30e6e/linux-source-6.12");
    auto frames = (*r)[1].frames;
    relativize_frames(frames, root);
    EXPECT_EQ(frames[0].file, "kernel/module/main.c");
    auto unknown = (*r)[2].frames;
    relativize_frames(unknown, root);
    EXPECT_EQ(unknown[0].file, "??");
    std::vector<SourceFrame> dotted = {{"kmalloc_noprof", root + "/./include/linux/slab.h", 880}, {"f", "./kernel/module/x.c", 1}};
    relativize_frames(dotted, root);
    EXPECT_EQ(dotted[0].file, "include/linux/slab.h");
    EXPECT_EQ(dotted[1].file, "kernel/module/x.c");
}

TEST(Addr2line, MalformedOutputIsAnErrorWithTheLine) {
    auto no_address = parse_addr2line("load_module\nmain.c:12\n");
    ASSERT_FALSE(no_address.ok());
    EXPECT_NE(no_address.error().message.find("line 1"), std::string::npos);
    auto truncated = parse_addr2line("0xffffffff81000000\nload_module\n");
    EXPECT_FALSE(truncated.ok());
    auto bad_line = parse_addr2line("0xffffffff81000000\nload_module\nmain.c:12x\n");
    ASSERT_FALSE(bad_line.ok());
    EXPECT_NE(bad_line.error().message.find("line 3"), std::string::npos);
    EXPECT_FALSE(parse_addr2line("0xffffffff81000000\n").ok());  // no -f: no frame
}

TEST(HexAddress, AcceptsBothSpellingsOnly) {
    EXPECT_EQ(*parse_hex_address("0xffffffff81234567"), 0xffffffff81234567ull);
    EXPECT_EQ(*parse_hex_address("FFFFFFFF81234567"), 0xffffffff81234567ull);
    EXPECT_EQ(*parse_hex_address("00000000ffffffff81234567"), 0xffffffff81234567ull);  // leading zeros
    EXPECT_FALSE(parse_hex_address("").ok());
    EXPECT_FALSE(parse_hex_address("0x").ok());
    EXPECT_FALSE(parse_hex_address("0xffffffff8123456g").ok());
    EXPECT_FALSE(parse_hex_address("1ffffffff81234567").ok());  // 65 bits
    EXPECT_FALSE(parse_hex_address("-1").ok());
}
