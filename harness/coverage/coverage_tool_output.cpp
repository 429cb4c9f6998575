// Parsers of the binutils output the KCOV site map is built from (objdump -t, -d, -dr; addr2line): pure functions of text.
#include "harness/coverage/coverage_tool_output.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

#include "harness/common/text.h"
#include "harness/kernels/fuzz_kernel.h"

namespace mh::coverage {
namespace {

// Calls f(line, line_number) for every line of lines(text), a trailing '\r' removed.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
    for (auto [line, number] : lines(text)) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line, static_cast<int>(number));
    }
}

bool is_hex(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::uint64_t hex_value(std::string_view s) {  // callers checked is_hex and the length
    std::uint64_t v = 0;
    for (char c : s) {
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
        v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    return v;
}

std::string_view trim_view(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// objdump -t flag column characters (see objdump(1), --syms).
bool is_flag_char(char c) { return std::string_view(" lgu!wCWIidDFfO").find(c) != std::string_view::npos; }

// "ffffffff81197017:\tcall ..." -> the address and the text after the tab; nullopt-like false otherwise.
bool split_instruction_line(std::string_view line, std::uint64_t& address, std::string_view& rest) {
    std::string_view t = line;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    std::size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon > 16 || !is_hex(t.substr(0, colon))) return false;
    address = hex_value(t.substr(0, colon));
    rest = t.substr(colon + 1);
    return true;
}

enum class Transfer { kNone, kCall, kJump };

// How `insn` transfers to exactly `<symbol>`: "call"/"callq" (AT&T suffix of older binutils), a
// jump ("jmp", or a conditional "je" ...), possibly after prefixes such as "notrack" or "bnd".
Transfer transfer_to(std::string_view insn, std::string_view symbol) {
    insn = trim_view(insn);
    std::string target = "<" + std::string(symbol) + ">";
    if (!insn.ends_with(target)) return Transfer::kNone;
    std::size_t pos = 0;
    while (pos < insn.size()) {
        while (pos < insn.size() && (insn[pos] == ' ' || insn[pos] == '\t')) ++pos;
        std::size_t end = pos;
        while (end < insn.size() && insn[end] != ' ' && insn[end] != '\t') ++end;
        std::string_view word = insn.substr(pos, end - pos);
        if (word == "call" || word == "callq") return Transfer::kCall;
        if (word.size() >= 2 && word.front() == 'j') return Transfer::kJump;
        pos = end;
    }
    return Transfer::kNone;
}

}  // namespace

std::vector<FunctionSymbol> parse_function_symbols(std::string_view text) {
    std::vector<FunctionSymbol> out;
    bool done = false;
    for_each_line(text, [&](std::string_view line, int) {
        if (done) return;
        if (line.starts_with("Disassembly of section")) {
            done = true;
            return;
        }
        // "<value> <7 flag chars> <section>\t<size> [.hidden ]<name>"
        std::size_t sp = line.find(' ');
        if (sp == std::string_view::npos || (sp != 8 && sp != 16) || !is_hex(line.substr(0, sp))) return;
        if (line.size() < sp + 9 || line[sp + 8] != ' ') return;
        std::string_view flags = line.substr(sp + 1, 7);
        for (char c : flags)
            if (!is_flag_char(c)) return;
        if (flags[6] != 'F') return;
        std::string_view rest = line.substr(sp + 9);
        std::size_t tab = rest.find('\t');
        if (tab == std::string_view::npos) return;
        std::string_view section = rest.substr(0, tab);
        if (section == "*UND*" || section == "*ABS*" || section == "*COM*") return;
        std::string_view after = rest.substr(tab + 1);
        std::size_t size_end = after.find(' ');
        if (size_end == std::string_view::npos || size_end > 16 || !is_hex(after.substr(0, size_end))) return;
        std::string_view name = trim_view(after.substr(size_end + 1));
        if (std::size_t last = name.rfind(' '); last != std::string_view::npos) name = name.substr(last + 1);  // ".hidden foo"
        if (name.empty()) return;
        out.push_back({hex_value(line.substr(0, sp)), hex_value(after.substr(0, size_end)), std::string(section), std::string(name),
                       flags[1] == 'w'});
    });
    return out;
}

Expected<std::vector<KcovCall>> parse_kcov_calls(std::string_view text, std::string_view symbol) {
    std::vector<KcovCall> out;
    bool pending = false;
    std::uint64_t pending_call = 0;
    for_each_line(text, [&](std::string_view line, int) {
        std::uint64_t address = 0;
        std::string_view rest;
        if (!split_instruction_line(line, address, rest)) return;
        if (pending) {
            out.push_back({pending_call, address});
            pending = false;
        }
        switch (transfer_to(rest, symbol)) {
            case Transfer::kCall:
                pending = true;
                pending_call = address;
                break;
            case Transfer::kJump: out.push_back({address, 0, true}); break;
            case Transfer::kNone: break;
        }
    });
    if (pending) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(pending_call));
        return make_error(std::string("the call of ") + std::string(symbol) + " at 0x" + buf +
                          " is the last instruction of the disassembly: its return address is unknown");
    }
    return out;
}

std::map<std::string, int> count_relocs_by_section(std::string_view text, std::string_view symbol) {
    std::map<std::string, int> out;
    constexpr std::string_view kHeader = "Disassembly of section ";
    std::size_t pos = text.find(kHeader);
    while (pos != std::string_view::npos) {
        std::size_t name_start = pos + kHeader.size();
        std::size_t name_end = text.find_first_of(":\n", name_start);
        if (name_end == std::string_view::npos) break;
        std::string name(text.substr(name_start, name_end - name_start));
        std::size_t next = text.find(kHeader, name_end);
        std::string_view body = text.substr(name_end, next == std::string_view::npos ? std::string_view::npos : next - name_end);
        int n = kernels::count_call_sites(body, symbol);
        if (n > 0) out[name] += n;
        pos = next;
    }
    return out;
}

Expected<std::vector<Symbolised>> parse_addr2line(std::string_view text) {
    std::vector<Symbolised> out;
    std::string error;
    bool want_location = false;  // a function line was read; its file:line comes next
    std::string function;
    for_each_line(text, [&](std::string_view line, int number) {
        if (!error.empty()) return;
        auto fail = [&](const std::string& why) {
            error = "addr2line output line " + std::to_string(number) + ": " + why + ": '" + std::string(line.substr(0, 120)) + "'";
        };
        if (!want_location && line.starts_with("0x") && line.size() <= 18 && is_hex(line.substr(2))) {
            out.push_back({hex_value(line.substr(2)), {}});
            return;
        }
        if (out.empty()) return fail("expected an address line (0x...; run addr2line with -a)");
        if (!want_location) {
            if (line.empty()) return fail("empty function name");
            function = std::string(line);
            want_location = true;
            return;
        }
        std::string_view loc = line;
        if (std::size_t d = loc.find(" (discriminator "); d != std::string_view::npos) loc = loc.substr(0, d);
        std::size_t colon = loc.rfind(':');
        if (colon == std::string_view::npos) return fail("expected file:line");
        std::string_view number_text = loc.substr(colon + 1);
        int line_no = 0;
        if (number_text != "?") {
            if (number_text.empty() || number_text.size() > 9) return fail("bad line number");
            for (char c : number_text) {
                if (!std::isdigit(static_cast<unsigned char>(c))) return fail("bad line number");
                line_no = line_no * 10 + (c - '0');
            }
        }
        out.back().frames.push_back({function, std::string(loc.substr(0, colon)), line_no});
        want_location = false;
    });
    if (!error.empty()) return make_error(error);
    if (want_location) return make_error("addr2line output ends after a function name, without its file:line");
    for (const auto& s : out)
        if (s.frames.empty()) {
            char buf[24];
            std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(s.address));
            return make_error(std::string("addr2line output has no frame for 0x") + buf + " (run addr2line with -f)");
        }
    return out;
}

std::string infer_source_root(const std::vector<Symbolised>& symbolised) {
    constexpr std::string_view kMarker = "/kernel/module/";
    for (const auto& s : symbolised)
        for (const auto& f : s.frames)
            if (std::size_t p = f.file.rfind(kMarker); p != std::string::npos && p > 0) return f.file.substr(0, p);
    return "";
}

void relativize_frames(std::vector<SourceFrame>& frames, const std::string& root) {
    const std::string prefix = root.empty() ? "" : root + "/";
    for (auto& f : frames) {
        if (f.file == "??") continue;
        if (!prefix.empty() && f.file.starts_with(prefix)) f.file.erase(0, prefix.size());
        // Kbuild names some headers "./include/linux/slab.h": one spelling per file, or the
        // report would split a file in two.
        f.file = std::filesystem::path(f.file).lexically_normal().string();
    }
}

Expected<std::uint64_t> parse_hex_address(std::string_view text) {
    std::string_view digits = text;
    if (digits.starts_with("0x") || digits.starts_with("0X")) digits.remove_prefix(2);
    if (!is_hex(digits)) return make_error("'" + std::string(text.substr(0, 40)) + "' is not a hex address");
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits.size() > 16) return make_error("'" + std::string(text.substr(0, 40)) + "' has more than 64 bits");
    return hex_value(digits);
}

}  // namespace mh::coverage
