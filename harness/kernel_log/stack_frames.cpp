// Frames of a kernel report (see stack_frames.h).
#include "harness/kernel_log/stack_frames.h"

#include <algorithm>
#include <charconv>

#include "harness/common/text.h"
#include "harness/kernel_log/kernel_text.h"

namespace mh::kernel_log {
namespace {

bool symbol_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$';
}

// "0x1f" at `s` (consumed from `s`); false when there is no hex number.
bool take_hex(std::string_view& s, std::uint64_t& out) {
    if (s.size() < 3 || s[0] != '0' || s[1] != 'x') return false;
    const char* begin = s.data() + 2;
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), out, 16);
    if (ec != std::errc() || end == begin) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
}

// "sym+0xOFF/0xSIZE" (the size optional) ending at a blank or the end of `msg`, then an
// optional " [module]".
bool parse_symbolic(std::string_view msg, StackFrame& f) {
    const auto plus = msg.find("+0x");
    if (plus == std::string_view::npos || plus == 0) return false;
    std::size_t start = plus;
    while (start > 0 && symbol_char(msg[start - 1])) --start;
    if (start == plus) return false;
    f.function = std::string(msg.substr(start, plus - start));
    std::string_view rest = msg.substr(plus + 1);
    if (!take_hex(rest, f.offset)) return false;
    if (!rest.empty() && rest[0] == '/') {
        rest.remove_prefix(1);
        if (!take_hex(rest, f.size)) return false;
    }
    if (!rest.empty() && rest[0] != ' ') return false;
    const auto open = rest.find('[');
    const auto close = rest.find(']', open == std::string_view::npos ? 0 : open);
    if (open != std::string_view::npos && close != std::string_view::npos && trim(rest.substr(0, open)).empty())
        f.module = std::string(rest.substr(open + 1, close - open - 1));
    return true;
}

}  // namespace

std::vector<StackFrame> parse_stack_frames(std::string_view text) {
    std::vector<StackFrame> out;
    std::size_t index = 0;
    for (auto [raw, number] : lines(text)) {
        (void)number;
        std::string cleaned;
        clean_line(raw, cleaned);
        const std::string trimmed = trim(strip_console_prefix(cleaned));
        std::string_view msg = trimmed;
        StackFrame f;
        f.line = index++;
        if (is_ip_line(msg)) {
            // "RIP: 0010:func+0x1/0x2": the code segment comes first.
            const auto colon = msg.find(':', msg.find(':') + 1);
            if (colon == std::string_view::npos) continue;
            f.ip = true;
            if (parse_symbolic(msg.substr(colon + 1), f)) out.push_back(std::move(f));
            continue;
        }
        if (!is_stack_trace_line(msg)) continue;
        if (msg.rfind("? ", 0) == 0) {
            f.reliable = false;
            msg.remove_prefix(2);
        }
        // " [<ffffffff81234567>] func+0x.." (older kernels print the address first).
        if (msg.rfind("[<", 0) == 0) {
            const auto end = msg.find(">]");
            if (end == std::string_view::npos) continue;
            msg = msg.substr(end + 2);
            while (!msg.empty() && msg.front() == ' ') msg.remove_prefix(1);
        }
        if (msg.find(' ') < msg.find("+0x")) continue;  // "<TASK>", or text before the symbol
        if (parse_symbolic(msg, f)) out.push_back(std::move(f));
    }
    return out;
}

std::vector<std::string> frame_functions(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& f : parse_stack_frames(text)) {
        std::string name(symbol_name(f.function));
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    return out;
}

}  // namespace mh::kernel_log
