// Symbolisation of kernel reports, as the kernel's scripts/decode_stacktrace.sh and syzkaller's
// report symboliser do it: each "func+0xOFF/0xSIZE" frame becomes the function and file:line of
// the instruction, with the functions inlined there, read from an object with DWARF (a vmlinux:
// the fuzz kernel's build, or a Debian -dbg package's) by nm and llvm-symbolizer. Module frames
// ("[mh_consumer]") resolve against the module's unstripped .ko when one was added.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/coverage/coverage_tool_output.h"
#include "harness/kernel_log/stack_frames.h"

namespace mh::symbolize {

struct SourceLocation {
    std::string function;
    std::string file;  // relative to the kernel tree ("kernel/module/main.c") where it can be told
    int line = 0;
    int column = 0;
};

struct SymbolizedFrame {
    kernel_log::StackFrame frame;
    std::uint64_t address = 0;  // what was looked up (a return address minus one); 0 when not looked up
    std::vector<SourceLocation> locations;  // innermost first: inlined functions, then the frame's own
    std::string note;  // why there are no locations ("module frame", "not in the symbol table", ...)
};

class Symbolizer {
public:
    // Reads the symbol table of `object` (nm). Environment error when the tools or the file are missing.
    static Expected<Symbolizer> open(const std::filesystem::path& object);

    // Debug info for the frames of `module` (the name in brackets, "mh_consumer"): its unstripped
    // .ko. objdump -t gives each function's section; a relocatable object's sections all start
    // at 0, so its lines are looked up per section (addr2line -j SECTION).
    Status add_module(const std::string& module, const std::filesystem::path& ko);

    // One llvm-symbolizer run for all frames of the image and one addr2line run per module
    // section; frames of modules not added get a note.
    Expected<std::vector<SymbolizedFrame>> symbolize(const std::vector<kernel_log::StackFrame>& frames) const;

    // The start address of `name` whose size fits `size` (the kallsyms size printed in a report
    // may be larger than the ELF size: it runs to the next symbol); 0 when there is none.
    std::uint64_t symbol_address(const std::string& name, std::uint64_t size) const;

    const std::filesystem::path& object() const { return object_; }
    std::size_t symbols() const { return count_; }

private:
    struct ModuleObject {
        std::filesystem::path ko;
        std::vector<coverage::FunctionSymbol> functions;
    };
    Status symbolize_module_frames(std::vector<SymbolizedFrame>& frames) const;

    std::filesystem::path object_;
    std::map<std::string, ModuleObject> modules_;
    std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> by_name_;  // name -> (address, size)
    std::size_t count_ = 0;
};

// The symbol table from `nm -S --defined-only` text: "ffffffff81139e00 0000000000000156 t free_module".
std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> parse_nm(std::string_view text);

// llvm-symbolizer's output for N addresses (blocks of "function\nfile:line:col\n" pairs, blank
// line between addresses) as N lists of locations.
std::vector<std::vector<SourceLocation>> parse_symbolizer_output(std::string_view text, std::size_t addresses);

// "debian/build/build_amd64_none_cloud-amd64/kernel/module/main.c" -> "kernel/module/main.c":
// the path from the first top-level kernel directory on.
std::string kernel_relative_path(std::string_view path);

// The report with each frame's line followed by its locations, as decode_stacktrace.sh prints
// them: "free_module+0x81/0x160 (kernel/module/main.c:1183)" and an "(inlined by)" line per
// inlined function; lines without frames unchanged.
std::string symbolized_text(std::string_view report, const std::vector<SymbolizedFrame>& frames);

}  // namespace mh::symbolize
