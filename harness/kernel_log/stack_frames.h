// The symbolic frames of a kernel report ("RIP: 0010:f+0x1/0x2", " f+0x1/0x2 [mod]",
// " ? f+0x1/0x2"), with their offsets, sizes and modules, for symbolisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mh::kernel_log {

struct StackFrame {
    std::string function;  // as printed, clone suffixes kept ("__list_del_entry_valid.cold"): the symbol's name
    std::uint64_t offset = 0;  // from the symbol's start
    std::uint64_t size = 0;  // the symbol's size as kallsyms knows it (0 when not printed)
    std::string module;  // "mh_oops" for a "[mh_oops]" frame; "" for the kernel image
    bool reliable = true;  // false for "? f+0x.." frames (a guess of the unwinder)
    bool ip = false;  // the faulting instruction (an IP line); other frames are return addresses
    std::size_t line = 0;  // which line of the text (from 0)
};

// Every frame of `text` in order (console prefixes are stripped first). Lines without a
// "symbol+0xOFF/0xSIZE" are skipped; a text without frames gives none.
std::vector<StackFrame> parse_stack_frames(std::string_view text);

// The distinct functions of those frames, in order, compiler clone suffixes dropped
// (symbol_name): what a changelog subject or a commit would name.
std::vector<std::string> frame_functions(std::string_view text);

}  // namespace mh::kernel_log
