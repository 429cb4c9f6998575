// Kernel console text helpers: printk prefixes, symbol names, RIP lines and stack frames.
#include "harness/kernel_log/kernel_text.h"

#include <algorithm>

namespace mh::kernel_log {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident(char c) { return is_ident_start(c) || is_digit(c) || c == '.' || c == '$'; }

std::string_view ltrim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Length of "[ <spaces> digits . digits ]" at the start of s, or 0.
std::size_t timestamp_len(std::string_view s) {
    std::size_t i = 0;
    if (i >= s.size() || s[i] != '[') return 0;
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d || i >= s.size() || s[i] != '.') return 0;
    ++i;
    d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d || i >= s.size() || s[i] != ']') return 0;
    return i + 1;
}

// Length of a printk caller id "[ T123]" / "[    C0]" at the start of s, or 0.
std::size_t caller_id_len(std::string_view s) {
    std::size_t i = 0;
    if (i >= s.size() || s[i] != '[') return 0;
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || (s[i] != 'T' && s[i] != 'C')) return 0;
    ++i;
    std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d || i >= s.size() || s[i] != ']') return 0;
    return i + 1;
}

// Length of a /dev/kmsg record header "6,123,4567,-;" (optionally ",caller=T1;"), or 0.
std::size_t kmsg_header_len(std::string_view s) {
    std::size_t i = 0;
    for (int field = 0; field < 3; ++field) {
        std::size_t d = i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == d || i >= s.size() || s[i] != ',') return 0;
        ++i;
    }
    // Flags and optional further fields up to ';', bounded so prose with commas never matches.
    for (std::size_t n = 0; i < s.size() && n < 32; ++i, ++n) {
        if (s[i] == ';') return i + 1;
        if (s[i] == ' ') return 0;
    }
    return 0;
}

// How far into a line we look for the printk timestamp: interleaved user output can put a
// few words before it, but a bracketed number deep inside a message is not a timestamp.
constexpr std::size_t kTimestampSearchBytes = 256;

}  // namespace

void clean_line(std::string_view raw, std::string& out) {
    out.clear();
    out.reserve(raw.size());
    for (char c : raw) {
        if (c != '\0' && c != '\r') out.push_back(c);
    }
}

ConsolePrefix split_console_prefix(std::string_view line) {
    std::string_view s = line;
    // Syslog level "<N>".
    if (s.size() >= 3 && s[0] == '<') {
        std::size_t i = 1;
        while (i < s.size() && i < 5 && is_digit(s[i])) ++i;
        if (i > 1 && i < s.size() && s[i] == '>') s.remove_prefix(i + 1);
    }
    if (std::size_t k = kmsg_header_len(s); k != 0) {
        std::string_view header = s.substr(0, k);
        std::string_view caller;
        if (std::size_t c = header.find("caller="); c != std::string_view::npos) caller = header.substr(c + 7, k - 1 - (c + 7));
        return {s.substr(k), caller};
    }
    std::size_t limit = std::min(s.size(), kTimestampSearchBytes);
    for (std::size_t pos = 0; pos < limit; ++pos) {
        if (s[pos] != '[') continue;
        std::size_t t = timestamp_len(s.substr(pos));
        if (t == 0) continue;
        s.remove_prefix(pos + t);
        std::string_view caller;
        if (std::size_t c = caller_id_len(s); c != 0) {
            caller = ltrim(s.substr(1, c - 2));
            s.remove_prefix(c);
        }
        if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        return {s, caller};
    }
    return {s, {}};
}

std::string_view strip_console_prefix(std::string_view line) { return split_console_prefix(line).message; }

std::string_view symbol_name(std::string_view token) {
    if (token.empty() || !is_ident_start(token.front())) return {};
    std::size_t n = 0;
    while (n < token.size() && is_ident(token[n])) ++n;
    std::string_view name = token.substr(0, n);
    if (std::size_t dot = name.find('.'); dot != std::string_view::npos) name = name.substr(0, dot);
    return name;
}

bool is_ip_line(std::string_view msg) {
    return starts_with(msg, "RIP: ") || starts_with(msg, "IP: ") || starts_with(msg, "EIP: ") || starts_with(msg, "pc : ");
}

std::string_view ip_function(std::string_view msg) {
    std::string_view s;
    if (starts_with(msg, "RIP: "))
        s = msg.substr(5);
    else if (starts_with(msg, "EIP: "))
        s = msg.substr(5);
    else if (starts_with(msg, "IP: "))
        s = msg.substr(4);
    else if (starts_with(msg, "pc : "))
        s = msg.substr(5);
    else
        return {};
    s = ltrim(s);
    // Code segment selector "0010:": only kernel selectors name kernel functions.
    if (s.size() >= 5 && is_hex(s[0]) && is_hex(s[1]) && is_hex(s[2]) && is_hex(s[3]) && s[4] == ':') {
        std::string_view cs = s.substr(0, 4);
        if (cs != "0010" && cs != "0060") return {};
        s.remove_prefix(5);
    }
    // Old format: "[<ffffffff82d4e304>]  [<ffffffff82d4e304>] __memset+0x24/0x30".
    for (int guard = 0; guard < 4; ++guard) {
        s = ltrim(s);
        if (!starts_with(s, "[<")) break;
        std::size_t close = s.find(">]");
        if (close == std::string_view::npos) return {};
        s.remove_prefix(close + 2);
    }
    s = ltrim(s);
    std::string_view name = symbol_name(s);
    if (name.empty()) return {};
    // A symbol needs its "+0x" offset: "RIP: 0010:0x0" or prose are not functions.
    std::size_t full = 0;
    while (full < s.size() && is_ident(s[full])) ++full;
    if (s.substr(full, 3) != "+0x") return {};
    return name;
}

std::string_view frame_function(std::string_view msg) {
    std::string_view s = ltrim(msg);
    if (starts_with(s, "? ")) return {};
    if (starts_with(s, "[<")) {
        std::size_t close = s.find(">]");
        if (close == std::string_view::npos) return {};
        s = ltrim(s.substr(close + 2));
        if (starts_with(s, "? ")) return {};
        if (starts_with(s, "(")) {
            // ARM unwinder: "[<80c1e5e8>] (__schedule) from [<80c1eb20>] (schedule+0x60/0xdc)".
            return symbol_name(s.substr(1));
        }
    }
    std::string_view name = symbol_name(s);
    if (name.empty()) return {};
    std::size_t full = 0;
    while (full < s.size() && is_ident(s[full])) ++full;
    std::string_view rest = s.substr(full);
    if (starts_with(rest, "+0x")) return name;
    // syzkaller-symbolised inlined frames: " __dump_stack lib/dump_stack.c:77 [inline]".
    if (rest.size() > 9 && rest.substr(rest.size() - 8) == "[inline]" && rest.front() == ' ') return name;
    return {};
}

bool is_stack_trace_line(std::string_view msg) {
    std::string_view s = ltrim(msg);
    if (starts_with(s, "? ")) s = s.substr(2);
    if (starts_with(s, "[<")) return s.find(">]") != std::string_view::npos;
    if (s.size() >= 3 && s.front() == '<' && s.back() == '>') {
        // Context markers: <TASK>, </TASK>, <IRQ>, </IRQ>, <NMI>, <SOFTIRQ>, <#DF>...
        std::string_view inner = s.substr(1, s.size() - 2);
        if (starts_with(inner, "/")) inner.remove_prefix(1);
        return !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '#'; });
    }
    return !frame_function(s).empty();
}

bool is_register_dump_line(std::string_view msg) {
    // The first register of each __show_regs line (x86-64), and the opcode bytes line.
    static constexpr std::string_view kFirst[] = {
        "RIP: ", "RSP: ", "RAX: ", "RBX: ", "RCX: ", "RDX: ", "RSI: ", "RDI: ", "RBP: ",  "R08: ", "R09: ", "R10: ",
        "R11: ", "R12: ", "R13: ", "R14: ", "R15: ", "FS: ",  "GS: ",  "CS: ",  "DS: ",   "ES: ",  "CR0: ", "CR2: ",
        "CR3: ", "CR4: ", "DR0: ", "DR1: ", "DR2: ", "DR3: ", "DR6: ", "DR7: ", "PKRU: ", "Code: "};
    std::string_view s = ltrim(msg);
    return std::any_of(std::begin(kFirst), std::end(kFirst), [s](std::string_view p) { return starts_with(s, p); });
}

std::string sanitize_message(std::string_view msg) {
    std::string out;
    out.reserve(std::min(msg.size(), kMaxTitleBytes + 16));
    std::size_t i = 0;
    while (i < msg.size() && out.size() < kMaxTitleBytes + 16) {
        char c = msg[i];
        // "[<ffffffff81234567>]" stack addresses.
        if (c == '[' && msg.substr(i, 2) == "[<") {
            std::size_t close = msg.find(">]", i);
            if (close != std::string_view::npos && close - i < 24) {
                i = close + 2;
                continue;
            }
        }
        // "+0x12/0x34" (and a bare "+0x12") offsets after a symbol.
        if (c == '+' && msg.substr(i, 3) == "+0x" && !out.empty() && is_ident(out.back())) {
            std::size_t j = i + 3;
            while (j < msg.size() && is_hex(msg[j])) ++j;
            if (j + 3 <= msg.size() && msg[j] == '/' && msg.substr(j + 1, 2) == "0x") {
                j += 3;
                while (j < msg.size() && is_hex(msg[j])) ++j;
            }
            i = j;
            continue;
        }
        // Kernel addresses: "0x" + 12..16 hex digits, or a bare 16-hex-digit word.
        if (is_hex(c) && (out.empty() || !is_ident(out.back()))) {
            std::size_t j = i;
            bool prefixed = msg.substr(i, 2) == "0x";
            if (prefixed) j += 2;
            std::size_t d = j;
            while (j < msg.size() && is_hex(msg[j])) ++j;
            std::size_t digits = j - d;
            bool word_end = j >= msg.size() || !is_ident(msg[j]);
            if (word_end && ((prefixed && digits >= 12 && digits <= 16) || (!prefixed && digits == 16))) {
                out += "ADDR";
                i = j;
                continue;
            }
        }
        unsigned char u = static_cast<unsigned char>(c);
        char o = (u < 0x20 || u >= 0x7f) ? (c == '\t' ? ' ' : '?') : c;
        if (o == ' ' && (out.empty() || out.back() == ' ')) {
            ++i;
            continue;
        }
        out.push_back(o);
        ++i;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() > kMaxTitleBytes) out.resize(kMaxTitleBytes);
    return out;
}

}  // namespace mh::kernel_log
