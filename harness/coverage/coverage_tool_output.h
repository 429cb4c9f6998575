// Parsers of the binutils output the KCOV site map is built from (objdump -t, -d, -dr; addr2line): pure functions of text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

inline constexpr std::string_view kKcovPcSymbol = "__sanitizer_cov_trace_pc";

// A function symbol from `objdump -t`. objdump rather than nm or System.map, because only its
// table gives each symbol's section and size, which placing an object's sections in vmlinux needs.
struct FunctionSymbol {
    std::uint64_t value = 0;  // section offset in a relocatable object, link address in vmlinux
    std::uint64_t size = 0;
    std::string section;  // input section in an object (".text", ".init.text"), output section in vmlinux
    std::string name;
    bool weak = false;  // 'w': in an object, the linker may have kept another definition
    bool operator==(const FunctionSymbol&) const = default;
};

// The defined function symbols ('F' flag, not *UND*/*ABS*) of `objdump -t` output. Headers,
// data/section/file symbols and anything after the table (a disassembly) are skipped.
std::vector<FunctionSymbol> parse_function_symbols(std::string_view objdump_t);

// One call of __sanitizer_cov_trace_pc in `objdump -d --no-show-raw-insn` output of linked code.
struct KcovCall {
    std::uint64_t call = 0;  // address of the call (or jump) instruction
    std::uint64_t pc = 0;  // address of the instruction after it: the return address KCOV records; 0 for a tail call
    bool tail = false;  // `jmp <symbol>`: a function whose last block is only the KCOV hook ends in a sibling
        // call, so KCOV records the return address in whoever called that function; no PC
        // names such a site
    bool operator==(const KcovCall&) const = default;
};

// Every `call <symbol>` (exactly that target, not symbol+off or a longer name) with the address
// of the next instruction line, and every jump to it as a tail call. An error when a call has no
// instruction after it in the text: its return address would be a guess.
Expected<std::vector<KcovCall>> parse_kcov_calls(std::string_view objdump_d, std::string_view symbol = kKcovPcSymbol);

// Relocations against `symbol` per section in `objdump -dr` output of a relocatable object
// ("Disassembly of section .text:" starts a section). Counted with kernels::count_call_sites, the
// rule of the coverage ceiling, so the two always agree on what a site is.
std::map<std::string, int> count_relocs_by_section(std::string_view objdump_dr, std::string_view symbol = kKcovPcSymbol);

// The answer for one address of `addr2line -a -f -i`.
struct Symbolised {
    std::uint64_t address = 0;
    std::vector<SourceFrame> frames;  // innermost first
};

// `addr2line -a -f -i` output: per address a "0x<hex>" line, then (function, file:line) line pairs,
// innermost inline frame first. " (discriminator N)" is dropped, a line "?" becomes 0, "??" stays.
// Files are kept as printed (absolute); see relativize_frames. An error names the line that does
// not fit the shape.
Expected<std::vector<Symbolised>> parse_addr2line(std::string_view text);

// The kernel tree root as the debug info spells it, inferred from a frame whose file ends in
// "/kernel/module/<name>": DWARF keeps the absolute path of the build, which may differ from
// where the tree is now (a moved cache). Empty when no frame shows it.
std::string infer_source_root(const std::vector<Symbolised>& symbolised);

// Strips `root` + "/" from every frame file that starts with it, and normalises the rest
// ("./include/x.h" -> "include/x.h"); "??" stays.
void relativize_frames(std::vector<SourceFrame>& frames, const std::string& root);

// "ffffffff81234567" / "0xFFFFFFFF81234567" -> value; an error for anything else (empty, not
// hex, more than 64 bits).
Expected<std::uint64_t> parse_hex_address(std::string_view text);

}  // namespace mh::coverage
