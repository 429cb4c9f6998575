// Kernel report symbolisation (see symbolizer.h).
#include "harness/symbolize/symbolizer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "harness/common/text.h"
#include "harness/host/process.h"

namespace mh::symbolize {
namespace fs = std::filesystem;
namespace {

constexpr std::chrono::seconds kToolTimeout{300};  // nm over a 600 MB vmlinux takes about a second

bool parse_hex(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return ec == std::errc() && end == s.data() + s.size();
}

// "file:line:col" (the column optional; "??:0" unknown).
SourceLocation location(const std::string& function, std::string_view where) {
    SourceLocation l;
    l.function = function == "??" ? "" : function;
    std::string_view file = where;
    int numbers[2] = {0, 0};
    for (int i = 1; i >= 0; --i) {
        const auto colon = file.rfind(':');
        if (colon == std::string_view::npos) break;
        int v = 0;
        const auto tail = file.substr(colon + 1);
        auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), v);
        if (ec != std::errc() || end != tail.data() + tail.size()) break;
        numbers[i] = v;
        file = file.substr(0, colon);
    }
    // Only "file:line" was there: the loop read the line into numbers[1].
    if (numbers[0] == 0 && numbers[1] != 0 && std::count(where.begin(), where.end(), ':') == 1) std::swap(numbers[0], numbers[1]);
    l.line = numbers[0];
    l.column = numbers[1];
    l.file = file == "??" ? "" : kernel_relative_path(file);
    return l;
}

std::string where_text(const SourceLocation& l) {
    if (l.file.empty()) return "??";
    return l.file + ":" + std::to_string(l.line);
}

}  // namespace

std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> parse_nm(std::string_view text) {
    std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> out;
    for (auto [line, number] : lines(text)) {
        (void)number;
        // "ADDR SIZE TYPE NAME" (symbols without a size: "ADDR TYPE NAME")
        std::vector<std::string> words;
        for (const auto& p : split(line, ' '))
            if (!p.empty()) words.emplace_back(p);
        std::uint64_t addr = 0, size = 0;
        if (words.size() == 4 && parse_hex(words[0], addr) && parse_hex(words[1], size) && words[2].size() == 1)
            out[words[3]].emplace_back(addr, size);
        else if (words.size() == 3 && parse_hex(words[0], addr) && words[1].size() == 1)
            out[words[2]].emplace_back(addr, 0);
    }
    return out;
}

std::vector<std::vector<SourceLocation>> parse_symbolizer_output(std::string_view text, std::size_t addresses) {
    std::vector<std::vector<SourceLocation>> out(addresses);
    std::size_t index = 0;
    std::string function;
    bool have_function = false;
    bool in_block = false;
    for (auto [line, number] : lines(text)) {
        (void)number;
        const std::string l = trim(line);
        if (l.empty()) {
            if (in_block) ++index;
            in_block = have_function = false;
            continue;
        }
        if (index >= addresses) break;
        in_block = true;
        if (!have_function) {
            function = l;
            have_function = true;
        } else {
            out[index].push_back(location(function, l));
            have_function = false;
        }
    }
    return out;
}

std::string kernel_relative_path(std::string_view path) {
    static const char* const kTop[] = {"arch/",     "block/",    "certs/",  "crypto/", "drivers/", "fs/",  "include/", "init/",
                                       "io_uring/", "ipc/",      "kernel/", "lib/",    "mm/",      "net/", "rust/",    "samples/",
                                       "scripts/",  "security/", "sound/",  "tools/",  "usr/",     "virt/"};
    std::size_t best = std::string_view::npos;
    for (const char* top : kTop) {
        for (std::size_t at = path.find(top); at != std::string_view::npos; at = path.find(top, at + 1))
            if (at == 0 || path[at - 1] == '/') {
                best = std::min(best, at);
                break;
            }
    }
    if (best == std::string_view::npos) return std::string(path.rfind("./", 0) == 0 ? path.substr(2) : path);
    return std::string(path.substr(best));
}

Expected<Symbolizer> Symbolizer::open(const fs::path& object) {
    std::error_code ec;
    if (!fs::is_regular_file(object, ec)) return environment_error("no object file " + object.string() + " to symbolise against");
    host::ProcessOptions o;
    o.timeout = kToolTimeout;
    o.max_capture = 256u << 20;
    auto r = host::run_process({"nm", "-S", "--defined-only", object.string()}, o);
    if (!r) return environment_error(r.error().message + " (nm from binutils is needed to symbolise)");
    if (!r->success())
        return environment_error("nm " + object.string() + " failed (" + r->status_text() + "): " + host::tail_lines(r->err, 3));
    Symbolizer s;
    s.object_ = object;
    s.by_name_ = parse_nm(r->out);
    for (const auto& [name, v] : s.by_name_) s.count_ += v.size();
    if (s.count_ == 0) return make_error(object.string() + " has no symbol table");
    return s;
}

std::uint64_t Symbolizer::symbol_address(const std::string& name, std::uint64_t size) const {
    const auto it = by_name_.find(name);
    if (it == by_name_.end() || it->second.empty()) return 0;
    if (it->second.size() == 1) return it->second[0].first;
    // Several static functions of one name: the one whose ELF size fits the printed size best
    // (kallsyms prints the distance to the next symbol, never less than the ELF size).
    std::uint64_t best = 0, best_size = 0;
    for (const auto& [addr, sz] : it->second)
        if ((size == 0 || sz <= size) && (best == 0 || sz > best_size)) {
            best = addr;
            best_size = sz;
        }
    return best;
}

Status Symbolizer::add_module(const std::string& module, const fs::path& ko) {
    host::ProcessOptions o;
    o.timeout = kToolTimeout;
    auto r = host::run_process({"objdump", "-t", ko.string()}, o);
    if (!r) return environment_error(r.error().message + " (objdump from binutils is needed to symbolise module frames)");
    if (!r->success())
        return environment_error("objdump -t " + ko.string() + " failed (" + r->status_text() + "): " + host::tail_lines(r->err, 3));
    ModuleObject m{ko, coverage::parse_function_symbols(r->out)};
    if (m.functions.empty()) return make_error(ko.string() + " has no function symbols (stripped?)");
    modules_[module] = std::move(m);
    return ok_status();
}

Status Symbolizer::symbolize_module_frames(std::vector<SymbolizedFrame>& frames) const {
    // (module, section) -> indices of the frames looked up there, in argument order
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        auto& s = frames[i];
        const auto& f = s.frame;
        if (f.module.empty()) continue;
        const auto m = modules_.find(f.module);
        if (m == modules_.end()) continue;  // keeps its "module frame" note
        const coverage::FunctionSymbol* best = nullptr;
        for (const auto& fn : m->second.functions)  // as symbol_address: the size that fits best
            if (fn.name == f.function && (f.size == 0 || fn.size <= f.size) && (!best || fn.size > best->size)) best = &fn;
        if (!best) {
            s.note = "not in the symbol table of " + m->second.ko.filename().string();
            continue;
        }
        s.address = best->value + f.offset - (f.ip || f.offset == 0 ? 0 : 1);
        groups[{f.module, best->section}].push_back(i);
    }
    for (const auto& [key, indices] : groups) {
        const auto& ko = modules_.at(key.first).ko;
        std::vector<std::string> argv = {"addr2line", "-a", "-f", "-i", "-e", ko.string(), "-j", key.second};
        for (std::size_t i : indices) argv.push_back(hex(frames[i].address));
        host::ProcessOptions o;
        o.timeout = kToolTimeout;
        auto r = host::run_process(argv, o);
        if (!r) return environment_error(r.error().message + " (addr2line from binutils is needed to symbolise module frames)");
        if (!r->success())
            return environment_error("addr2line on " + ko.string() + " failed (" + r->status_text() + "): " + host::tail_lines(r->err, 3));
        MH_TRY_ASSIGN(answers, coverage::parse_addr2line(r->out));
        if (answers.size() != indices.size())
            return make_error("addr2line on " + ko.string() + " answered " + std::to_string(answers.size()) + " of " +
                              std::to_string(indices.size()) + " addresses");
        for (std::size_t k = 0; k < indices.size(); ++k) {
            auto& s = frames[indices[k]];
            s.note.clear();
            for (const auto& sf : answers[k].frames) {
                // The seed was built in a temporary directory: its file name is what identifies it.
                const auto slash = sf.file.rfind('/');
                s.locations.push_back({sf.function == "??" ? "" : sf.function,
                                       sf.file == "??" ? "" : (slash == std::string::npos ? sf.file : sf.file.substr(slash + 1)), sf.line,
                                       0});
            }
            if (s.locations.empty() || s.locations.back().file.empty()) s.note = "no line information";
        }
    }
    return ok_status();
}

Expected<std::vector<SymbolizedFrame>> Symbolizer::symbolize(const std::vector<kernel_log::StackFrame>& frames) const {
    std::vector<SymbolizedFrame> out;
    std::vector<std::string> argv = {"llvm-symbolizer", "--obj=" + object_.string(), "--inlining", "--functions=linkage"};
    std::vector<std::size_t> looked_up;  // index into out, per address argument
    for (const auto& f : frames) {
        SymbolizedFrame s;
        s.frame = f;
        if (!f.module.empty()) {
            s.note = "module frame [" + f.module + "]";
        } else if (const auto base = symbol_address(f.function, f.size); base == 0) {
            s.note = "not in the symbol table of " + object_.filename().string();
        } else {
            // A return address points after its call: look up the call itself (as syzkaller does).
            s.address = base + f.offset - (f.ip || f.offset == 0 ? 0 : 1);
            char hex[32];
            std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(s.address));
            argv.emplace_back(hex);
            looked_up.push_back(out.size());
        }
        out.push_back(std::move(s));
    }
    MH_TRY(symbolize_module_frames(out));
    if (looked_up.empty()) return out;
    host::ProcessOptions o;
    o.timeout = kToolTimeout;
    auto r = host::run_process(argv, o);
    if (!r) return environment_error(r.error().message + " (llvm-symbolizer, from the llvm package, is needed to symbolise)");
    if (!r->success()) return environment_error("llvm-symbolizer failed (" + r->status_text() + "): " + host::tail_lines(r->err, 3));
    const auto locations = parse_symbolizer_output(r->out, looked_up.size());
    for (std::size_t i = 0; i < looked_up.size(); ++i) {
        auto& s = out[looked_up[i]];
        s.locations = locations[i];
        if (s.locations.empty() || s.locations.back().file.empty()) s.note = "no line information";
    }
    return out;
}

std::string symbolized_text(std::string_view report, const std::vector<SymbolizedFrame>& frames) {
    std::map<std::size_t, const SymbolizedFrame*> by_line;
    for (const auto& f : frames) by_line[f.frame.line] = &f;
    std::string out;
    std::size_t index = 0;
    for (auto [line, number] : lines(report)) {
        (void)number;
        const auto it = by_line.find(index++);
        if (it == by_line.end() || it->second->locations.empty() || it->second->locations.back().file.empty()) {
            out += std::string(line) + "\n";
            continue;
        }
        // syzkaller's form: the inlined functions first, each "func file:line [inline]", then the
        // frame's own line with its file:line appended.
        const auto& locs = it->second->locations;
        const auto at = line.find(it->second->frame.function);
        const auto prefix = line.substr(0, at == std::string_view::npos ? 0 : at);
        for (std::size_t i = 0; i + 1 < locs.size(); ++i)
            out += std::string(prefix) + (locs[i].function.empty() ? "??" : locs[i].function) + " " + where_text(locs[i]) + " [inline]\n";
        out += std::string(line) + " " + where_text(locs.back()) + "\n";
    }
    return out;
}

}  // namespace mh::symbolize
