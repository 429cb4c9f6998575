// Options shared by the kernel-set commands (matrix, bisect).
#include "harness/cli/kernel_set_options.h"

#include <cstdio>

#include "conformance/case_file_run.h"
#include "conformance/contract.h"
#include "conformance/groups.h"
#include "conformance/suite.h"
#include "harness/common/files.h"
#include "harness/host/output_lock.h"

namespace mh::cli {

std::string mib(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
}

Status check_out_dir(const std::filesystem::path& out, bool resume) {
    std::error_code ec;
    if (resume || !std::filesystem::exists(out, ec)) return ok_status();
    for (const auto& e : std::filesystem::directory_iterator(out, ec))
        if (e.path().filename() != host::kOutputLockFile)
            return usage_error("output directory " + out.string() +
                               " is not empty: use --resume to continue what ran there, or another --out");
    return ok_status();
}

Expected<conformance::MatrixSelection> selection_from(const ParsedArgs& p) {
    conformance::MatrixSelection sel;
    sel.conformance_dir = p.get_or("conformance-dir", conformance::default_conformance_dir().string());
    sel.groups = p.all("group");
    sel.only = p.get_or("only", "");
    sel.man_page = p.get_or("man-page", "");
    for (const auto& f : p.positionals) sel.case_files.emplace_back(f);
    if (!sel.case_files.empty()) {
        if (!sel.groups.empty() || !sel.only.empty() || !sel.man_page.empty())
            return usage_error("--group, --only and --man-page are for the suite; with case files, edit the files instead");
        MH_TRY(conformance::load_case_files(sel.case_files));
        return sel;
    }
    auto text = read_text_file(sel.conformance_dir / "groups.txt");
    if (!text) return environment_error("cannot read " + (sel.conformance_dir / "groups.txt").string());
    MH_TRY_ASSIGN(groups, conformance::parse_groups(*text, (sel.conformance_dir / "groups.txt").string()));
    for (const auto& name : sel.groups) {
        std::string known;
        bool found = false;
        for (const auto& g : groups) {
            known += (known.empty() ? "" : ", ") + g.name;
            found = found || g.name == name;
        }
        if (!found) return usage_error("unknown --group '" + name + "' (groups: " + known + ")");
    }
    if (!sel.man_page.empty()) {
        MH_TRY_ASSIGN(contract, conformance::load_contract(sel.conformance_dir / "contract.txt"));
        if (!conformance::find_man_page(contract.man, sel.man_page))
            return usage_error("unknown --man-page '" + sel.man_page + "' (pages: " + conformance::man_page_names(contract.man) + ")");
    }
    return sel;
}

Status check_case_exists(const conformance::MatrixSelection& sel, const std::string& group, const std::string& id) {
    const std::string named = (group.empty() ? "" : group + "/") + id;
    if (!sel.case_files.empty()) {
        if (!group.empty() && group != conformance::kCaseFilesGroup)
            return usage_error("--case '" + named + "': the cases of CASEFILEs are in group '" + conformance::kCaseFilesGroup + "'");
        MH_TRY_ASSIGN(cases, conformance::load_case_files(sel.case_files));
        for (const auto& hc : cases)
            if (hc.guest.id == id) return ok_status();
        return usage_error("--case '" + named + "': no case with id=" + id + " in the CASEFILEs");
    }
    auto text = read_text_file(sel.conformance_dir / "groups.txt");
    if (!text) return environment_error("cannot read " + (sel.conformance_dir / "groups.txt").string());
    MH_TRY_ASSIGN(groups, conformance::parse_groups(*text, (sel.conformance_dir / "groups.txt").string()));
    std::string known;
    bool group_found = group.empty();
    for (const auto& g : groups) {
        known += (known.empty() ? "" : ", ") + g.name;
        if (!group.empty() && g.name != group) continue;
        group_found = true;
        MH_TRY_ASSIGN(gc, conformance::build_group_cases(g, sel.conformance_dir));
        for (const auto& hc : gc.cases)
            if (hc.guest.id == id) return ok_status();
    }
    if (!group_found) return usage_error("--case '" + named + "': unknown group '" + group + "' (groups: " + known + ")");
    return usage_error(
        "--case '" + named +
        "': no such case in the suite (ids: the conformance/cases/*.cases files, and mal-<id>-init/-finit for each row of `modharness malformations`)");
}

}  // namespace mh::cli
