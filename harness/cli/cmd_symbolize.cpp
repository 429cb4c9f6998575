// `modharness symbolize`: kernel reports to functions and source lines (inlined calls included),
// against the kernel's DWARF vmlinux (a fuzz kernel's build, or the Debian -dbg package's).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <optional>

#include "conformance/report/report.h"
#include "conformance/report/run_view.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/seed_symbols.h"
#include "harness/cli/interrupt.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/kernel_log/stack_frames.h"
#include "harness/kernels/debug_vmlinux.h"
#include "harness/symbolize/attribution.h"
#include "harness/symbolize/symbolizer.h"

namespace mh::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kHelp = R"(usage: modharness symbolize [--kernel NAME | --vmlinux PATH] [options] INPUT...

Resolves every frame of the kernel reports in INPUT ("RIP: 0010:f+0x1/0x2", " f+0x1/0x2",
" ? f+0x1/0x2") to its function and file:line, with the functions inlined at that point, the
way the kernel's scripts/decode_stacktrace.sh and syzkaller's symboliser do; the report is
printed again in syzkaller's form (inlined calls as "func file:line [inline]" lines above the
frame, the frame's own file:line appended to it), followed by its culprit: the module loader
(the first source line in kernel/module/* or arch/x86/kernel/module.c under the fault, among the
reliable frames) or the module's own code (the fault is in a module, or a module frame called the
faulting function: loaded code is trusted, so a malformed module doing harm there is expected).

INPUT is a text with a report (a console log, a crash group's report.txt), a crash group
directory of `modharness fuzz` (<out>/crashes/<title>/: its report.txt), a campaign's --out (every
crash group; with several reports a "by culprit" table groups the titles by culprit line), or a conformance run
(a conformance.json or its directory: every KERNEL case's console excerpt; the kernel is the
run's unless --kernel says otherwise).

The DWARF comes from --vmlinux, else from the kernel: a fuzz kernel's build tree has its
vmlinux; for a Debian build the vmlinux of linux-image-<release>-dbg is fetched on first use
(about 300 MB to download, 300-600 MB kept in the kernel cache; only that file is extracted).
Frames of the seed modules ([mh_oops]) resolve against their .ko as built for the kernel (built
or taken from the seed cache when the kernel is named; not with --vmlinux alone).

  modharness symbolize --kernel debian-6.1-cloud OUT/crashes/general-protection-fault-in-strcmp
  modharness symbolize --kernel debian-6.1-cloud --write OUT
  modharness symbolize conformance/baselines/debian-6.1-cloud --json sym.json
  modharness symbolize --vmlinux ~/linux/vmlinux console.log

)";

std::vector<OptionSpec> symbolize_options() {
    return {
        {"kernel", "NAME", "the kernel the reports come from (alias, release, package; default: a conformance run's)"},
        {"vmlinux", "PATH", "symbolise against this vmlinux (with DWARF) instead of the kernel's"},
        {"no-fetch", "", "never download a -dbg package; fail if its vmlinux is not cached"},
        {"json", "FILE", "also write every report's frames and their locations as JSON (schema modharness.symbolized/1)"},
        {"write", "", "fuzz crash groups: write report.symbolized.txt and culprit.json into each group's directory"},
        {"quiet", "", "no progress lines"},
        {"help", "", ""},
    };
}

struct Report {
    std::string source;  // file (and case) it came from
    std::string title;
    std::string text;
    fs::path group_dir;  // a fuzz crash group's directory ("" otherwise): --write puts the results there
};

// The reports of one INPUT, and the kernel release a conformance run names ("" otherwise).
Expected<std::vector<Report>> reports_of(const fs::path& input, std::string& run_release) {
    std::error_code ec;
    if (fs::is_directory(input, ec) && fs::is_regular_file(input / "report.txt", ec)) {
        MH_TRY_ASSIGN(text, read_text_file(input / "report.txt"));
        return std::vector<Report>{{(input / "report.txt").string(), trim(read_text_file(input / "title.txt").value_or("")), text, input}};
    }
    // A campaign's --out: every crash group that kept a report.
    if (fs::is_directory(input / "crashes", ec)) {
        std::vector<fs::path> groups;
        for (const auto& e : fs::directory_iterator(input / "crashes", ec))
            if (e.is_directory() && fs::is_regular_file(e.path() / "report.txt", ec)) groups.push_back(e.path());
        std::sort(groups.begin(), groups.end());
        std::vector<Report> out;
        for (const auto& g : groups) {
            MH_TRY_ASSIGN(text, read_text_file(g / "report.txt"));
            out.push_back({(g / "report.txt").string(), trim(read_text_file(g / "title.txt").value_or("")), text, g});
        }
        return out;
    }
    if (fs::is_directory(input, ec) || input.filename() == "conformance.json") {
        auto run = conformance::load_run(input);
        if (!run) return usage_error(input.string() + ": not a report, a crash group or a conformance run (" + run.error().message + ")");
        if ((*run).contains("kernel") && (*run)["kernel"].is_object()) run_release = (*run)["kernel"].value("release", "");
        std::vector<Report> out;
        for (const auto& c : (*run)["cases"])
            if (c.value("verdict", "") == "KERNEL" && !c.value("console_excerpt", "").empty())
                out.push_back({input.string() + " " + c.value("group", "") + "/" + c.value("id", ""), c.value("title", ""),
                               c.value("console_excerpt", ""), fs::path()});
        return out;
    }
    MH_TRY_ASSIGN(text, read_text_file(input));
    return std::vector<Report>{{input.string(), "", text, fs::path()}};
}

nlohmann::json frame_json(const symbolize::SymbolizedFrame& f) {
    nlohmann::json locs = nlohmann::json::array();
    for (const auto& l : f.locations) locs.push_back({{"function", l.function}, {"file", l.file}, {"line", l.line}, {"column", l.column}});
    nlohmann::json j = {{"function", f.frame.function}, {"offset", f.frame.offset}, {"size", f.frame.size}, {"module", f.frame.module},
                        {"reliable", f.frame.reliable}, {"ip", f.frame.ip},         {"address", f.address}, {"locations", locs}};
    if (!f.note.empty()) j["note"] = f.note;
    return j;
}

}  // namespace

int cmd_symbolize(const Args& args) {
    const auto specs = symbolize_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("symbolize", p.error());
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 16);
        std::puts(
            "\nexit codes: 0 symbolised (every report printed), 2 usage (no or unreadable INPUT, no kernel named),\n"
            "3 environment (no -dbg package, tools missing), 4 the JSON could not be written, 130 interrupted");
        return kExitOk;
    }
    if (p->positionals.empty()) return report_error("symbolize", usage_error("no INPUT: a report, a crash group or a conformance run"));
    const bool quiet = p->has("quiet");
    std::vector<Report> reports;
    std::string run_release;
    for (const auto& in : p->positionals) {
        auto r = reports_of(in, run_release);
        if (!r) return report_error("symbolize", r.error().kind == ErrorKind::kStorage ? r.error() : usage_error(r.error().message));
        reports.insert(reports.end(), r->begin(), r->end());
    }
    fs::path vmlinux;
    std::optional<kernels::Kernel> kernel;  // for module frames: the seeds built for it
    if (auto v = p->get("vmlinux")) {
        vmlinux = *v;
    } else {
        const std::string name = p->get_or("kernel", run_release);
        if (name.empty()) return report_error("symbolize", usage_error("which kernel? --kernel NAME or --vmlinux PATH"));
        auto interrupted = install_interrupt_flag();
        auto k = kernels::resolve_kernel(name, !p->has("no-fetch"), {}, interrupted);
        if (!k) return report_error("symbolize", k.error());
        kernels::DebugVmlinuxOptions o;
        o.fetch = !p->has("no-fetch");
        o.interrupted = interrupted;
        o.progress = [quiet](const std::string& line) {
            if (!quiet) std::fprintf(stderr, "modharness: symbolize: %s\n", line.c_str());
        };
        auto found = kernels::debug_vmlinux(*k, o);
        if (!found) return report_error("symbolize", found.error());
        vmlinux = *found;
        kernel = *k;
    }
    auto sym = symbolize::Symbolizer::open(vmlinux);
    if (!sym) return report_error("symbolize", sym.error());
    if (kernel) add_seed_modules(*sym, *kernel, "symbolize");
    nlohmann::json out = {{"schema", "modharness.symbolized/1"}, {"vmlinux", vmlinux.string()}, {"reports", nlohmann::json::array()}};
    std::size_t resolved = 0, total = 0;
    // Titles name the faulting leaf; the culprit line names the loader path: group by it.
    std::map<std::string, std::set<std::string>> titles_by_culprit;
    std::map<std::string, int> reports_by_culprit;
    for (const auto& r : reports) {
        const auto frames = kernel_log::parse_stack_frames(r.text);
        auto s = sym->symbolize(frames);
        if (!s) return report_error("symbolize", s.error());
        const auto blame = symbolize::attribute(*s);
        const std::string key = blame.kind + (blame.culprit().empty() ? "" : " " + blame.culprit());
        titles_by_culprit[key].insert(r.title);
        ++reports_by_culprit[key];
        std::printf("== %s%s\n%s-- culprit: %s (%s)\n\n", r.source.c_str(), r.title.empty() ? "" : (" (" + r.title + ")").c_str(),
                    symbolize::symbolized_text(r.text, *s).c_str(), blame.text().c_str(), blame.reason.c_str());
        nlohmann::json fj = nlohmann::json::array();
        for (const auto& f : *s) {
            fj.push_back(frame_json(f));
            ++total;
            if (!f.locations.empty() && !f.locations.back().file.empty()) ++resolved;
        }
        out["reports"].push_back({{"source", r.source}, {"title", r.title}, {"culprit", blame.to_json()}, {"frames", fj}});
        if (p->has("write") && !r.group_dir.empty()) {
            if (auto w = write_file_atomic(r.group_dir / "report.symbolized.txt", symbolize::symbolized_text(r.text, *s)); !w)
                return report_error("symbolize", w.error());
            if (auto w = write_file_atomic(r.group_dir / "culprit.json", blame.to_json().dump(1) + "\n"); !w)
                return report_error("symbolize", w.error());
        }
    }
    if (reports.size() > 1) {
        std::printf("by culprit:\n");
        for (const auto& [c, titles] : titles_by_culprit)
            std::printf("  %3d  %s  <- %s\n", reports_by_culprit[c], c.c_str(),
                        conformance::join(std::vector<std::string>(titles.begin(), titles.end()), " | ").c_str());
    }
    std::printf("symbolize: %zu report(s), %zu of %zu frames resolved against %s\n", reports.size(), resolved, total, vmlinux.c_str());
    if (auto file = p->get("json"))
        if (auto w = write_file_atomic(*file, out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); !w)
            return report_error("symbolize", w.error());
    return kExitOk;
}

}  // namespace mh::cli
