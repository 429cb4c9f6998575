// Conformance suite driver: groups -> cases -> run_session per group -> contract verdicts -> run JSON.
#include "conformance/suite.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "conformance/report/run_file.h"
#include "conformance/shard_runs.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"
#include "harness/common/text.h"
#include "harness/elf/malform/malformation.h"
#include "harness/host/output_lock.h"
#include "harness/kernels/debian_packages.h"
#include "harness/kernel_log/case_log.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/sys/errno_names.h"
#include "harness/session/result_json.h"
#include "harness/vm/qemu_argv.h"

namespace mh::conformance {
namespace {

// The case's log class and notices (kernel_log/case_log.h): taint notices are printed once per
// boot, so they depend on which VM ran the case, not on the input, and never speak for it.
kernel_log::CaseLog case_log_of(const std::optional<KvRecord>& guest) {
    if (!guest) return {};
    auto kmsg = guest->get("kmsg");
    if (!kmsg) return {};
    return kernel_log::summarize_case_log(*kmsg);
}

}  // namespace

std::filesystem::path default_conformance_dir() { return paths::artefact_path(paths::Artefact::kConformance); }

GroupCases malformation_cases() {
    GroupCases gc;
    for (const auto& m : elf::malformation_catalogue()) {
        std::string cls(m.contract_id);
        if (cls == "fuzz" || cls == "R7") continue;
        std::string id(m.id);
        auto add = [&](const std::string& suffix, const char* call, unsigned flags, const std::string& klass) {
            std::string line = "id=mal-" + id + "-" + suffix + " call=" + call + " image=seed:sentinel malform=" + id;
            if (flags) line += " flags=" + std::to_string(flags);
            auto hc = session::parse_host_case(line, "catalogue:" + id, 0);
            if (!hc) return;  // ids are kebab-case; cannot fail for catalogue rows
            hc->input_class = klass;
            gc.cases.push_back(*hc);
            gc.meta.push_back({klass, id, true});
        };
        if (m.compressed()) {
            add("finit-compressed", "finit", 4, cls);
            add("finit", "finit", 0, "E1");  // compressed bytes are not ELF without the flag
            add("init", "init", 0, "E1");
        } else {
            add("init", "init", 0, cls);
            add("finit", "finit", 0, cls);
        }
    }
    return gc;
}

std::string effective_class(const session::HostCase& hc, const CaseMeta& meta) {
    if (!meta.generated || hc.image == "none" || !hc.skip_reason.empty()) return meta.class_id;
    bool sig_class = !meta.class_id.empty() && meta.class_id[0] == 'S';
    if (hc.guest.call == protocol::Call::Init && protocol::init_len(hc.guest, hc.image_bytes) < 64) return "B1";
    if (hc.guest.call == protocol::Call::Finit && hc.guest.flags == 0) {
        if (hc.image_bytes == 0) return "F9";
        if (hc.image_bytes < 64 && !sig_class) return "F16";
    }
    return meta.class_id;
}

Expected<GroupCases> build_group_cases(const GroupDef& group, const std::filesystem::path& dir) {
    GroupCases out;
    std::set<std::string> ids;
    for (const auto& src : group.sources) {
        GroupCases part;
        if (src == "@malformations") {
            part = malformation_cases();
        } else {
            auto cases = session::load_case_file(dir / "cases" / src);
            if (!cases) return cases.error();
            for (auto& hc : *cases) {
                if (hc.input_class.empty()) return make_error(hc.source + ": conformance cases need class=");
                if (hc.expect) return make_error(hc.source + ": conformance cases take expect= from the contract, not the case");
                part.meta.push_back({hc.input_class, hc.malformations.size() == 1 ? hc.malformations[0] : "", false});
                part.cases.push_back(hc);
            }
        }
        for (size_t i = 0; i < part.cases.size(); ++i) {
            if (!ids.insert(part.cases[i].guest.id).second)
                return make_error("group " + group.name + ": duplicate case id " + part.cases[i].guest.id);
            part.cases[i].guest.idx = static_cast<int>(out.cases.size());
            out.cases.push_back(part.cases[i]);
            out.meta.push_back(part.meta[i]);
        }
    }
    return out;
}

std::string followed(const ErrnoSet& code, const std::vector<int>& man, const std::vector<int>& gots) {
    if (gots.empty()) return "-";
    if (man.empty()) return "undocumented";
    auto in = [&gots](const std::vector<int>& s) {
        for (int g : gots)
            if (std::find(s.begin(), s.end(), g) == s.end()) return false;
        return true;
    };
    bool c = code && in(*code), m = in(man);
    if (c && m) return "both";
    if (c) return "code";
    if (m) return "man";
    return "neither";
}

Expected<nlohmann::json> choose_man_page(const ManPages& m, const std::string& requested, const std::string& kernel_release) {
    if (!requested.empty()) {
        const ManPage* p = find_man_page(m, requested);
        if (!p) return usage_error("unknown --man-page '" + requested + "' (pages: " + man_page_names(m) + ")");
        return nlohmann::json{{"name", p->name}, {"title", p->title}, {"why", "--man-page"}};
    }
    std::string distro = kernels::debian_release_of(kernel_release);
    const ManPage* p = default_man_page(m, distro);
    if (!p) return make_error("man_pages.txt has no page for every other kernel");
    std::string why = !p->fallback     ? "shipped by " + distro + ", the kernel's distribution"
                      : distro.empty() ? "the kernel is from no known distribution"
                                       : "no page is listed for " + distro + ", the kernel's distribution";
    return nlohmann::json{{"name", p->name}, {"title", p->title}, {"why", why}};
}

// The cases marked in `keep`, renumbered in order (idx is the case's place in its VM batch).
GroupCases keep_cases(const GroupCases& all, const std::vector<bool>& keep) {
    GroupCases kept;
    for (size_t i = 0; i < all.cases.size(); ++i) {
        if (!keep[i]) continue;
        kept.cases.push_back(all.cases[i]);
        kept.cases.back().guest.idx = static_cast<int>(kept.meta.size());
        kept.meta.push_back(all.meta[i]);
    }
    return kept;
}

// Optional subset (CI): comma-separated items, each a case id substring or an exact class.
GroupCases select_cases(const GroupCases& all, const std::string& case_filter) {
    std::vector<std::string> filters;
    {
        std::istringstream fin(case_filter);
        std::string f;
        while (std::getline(fin, f, ','))
            if (!f.empty()) filters.push_back(f);
    }
    std::vector<bool> keep(all.cases.size(), filters.empty());
    for (size_t i = 0; i < all.cases.size(); ++i)
        for (const auto& f : filters) keep[i] = keep[i] || all.cases[i].guest.id.find(f) != std::string::npos || all.meta[i].class_id == f;
    return keep_cases(all, keep);
}

// The groups to run, each with the cases selected (--group, --only) and, with a shard, the
// cases of that shard: one contiguous slice of the whole suite in run order, cut by expected
// cost (a group's first case also pays for its VM's boot).
struct PlannedGroup {
    GroupDef group;
    GroupCases cases;
};

void keep_shard(std::vector<PlannedGroup>& plan, const session::Shard& shard,
                const std::function<double(const std::string&, const std::string&)>& case_cost) {
    std::vector<double> costs;
    for (const auto& p : plan)
        for (size_t i = 0; i < p.cases.cases.size(); ++i)
            costs.push_back((case_cost ? case_cost(p.group.name, p.cases.cases[i].guest.id) : 1.0) + (i == 0 ? kBootCostInCases : 0.0));
    const auto in = session::shard_members(costs, shard);
    size_t at = 0;
    for (auto& p : plan) {
        std::vector<bool> keep(in.begin() + static_cast<std::ptrdiff_t>(at),
                               in.begin() + static_cast<std::ptrdiff_t>(at + p.cases.cases.size()));
        at += p.cases.cases.size();
        p.cases = keep_cases(p.cases, keep);
    }
    std::erase_if(plan, [](const PlannedGroup& p) { return p.cases.cases.empty(); });
}

// Each case's expectation from the contract, for this kernel and these resolved images, before
// the runner sees the cases. Returns the kernel's description for conformance.json.
nlohmann::json set_expectations(const Contract& contract, const std::vector<CaseMeta>& meta, bool enforce, const kernels::Kernel& k,
                                std::vector<session::HostCase>& cases, std::vector<const Rule*>& rules,
                                std::vector<std::string>& eff_class) {
    KernelFacts facts = kernel_facts(k.version, k.config, enforce);
    for (size_t i = 0; i < cases.size(); ++i) {
        eff_class[i] = effective_class(cases[i], meta[i]);
        cases[i].input_class = eff_class[i];
        rules[i] = find_rule(contract, eff_class[i], meta[i].malformation, facts);
        if (!rules[i]) {
            cases[i].conf_reason =
                "no contract rule for class " + eff_class[i] + " on " + k.version + (facts.sig_enforce ? " with sig_enforce" : "");
            continue;
        }
        if (rules[i]->expect)
            cases[i].expect = *rules[i]->expect;
        else
            cases[i].expect = std::vector<int>{session::kAnyResult};
    }
    return {{"name", k.name}, {"release", k.release}, {"version", k.version}, {"config", k.config}};
}

// One case of conformance.json: the result line plus the contract's view of it.
nlohmann::json case_json(const session::CaseRecord& rec, const session::SessionResult& result, const std::string& group,
                         const std::string& eff_class, const Rule* r, const CaseMeta& meta, const ManPages& man_pages,
                         const std::string& man_page) {
    using nlohmann::json;
    json j = session::result_to_json(rec.host, rec.outcome, result.kernel);
    j["group"] = group;
    j["class"] = eff_class;
    j["expect"] = json::array();
    const auto call = rec.host.guest.call;
    ManView man = r ? man_view(man_pages, r->man_says, man_page,
                               call == protocol::Call::Init    ? "init"
                               : call == protocol::Call::Finit ? "finit"
                                                               : "")
                    : ManView{};
    if (r) {
        if (r->expect) {
            for (int e : *r->expect) j["expect"].push_back(sys::errno_name(e));
        } else {
            j["expect"].push_back("*");
        }
        j["man_expect"] = json::array();  // [] = the page says nothing about this input on this call
        for (int e : man.errnos) j["man_expect"].push_back(sys::errno_name(e));
        // The page's own words for each statement used, then why they apply; when it is silent,
        // why: a statement of another page, or one the page makes for the other call only.
        std::string words;
        for (const auto* s : man.used) words += (words.empty() ? "" : "; ") + s->words;
        if (!words.empty() && !r->man_note.empty()) words += " (" + r->man_note + ")";
        if (words.empty()) {
            std::string why;
            for (const auto& k : r->man_says) {
                const auto& s = man_pages.says.at(k);
                bool on_page = s.pages.empty() || std::find(s.pages.begin(), s.pages.end(), man_page) != s.pages.end();
                why += (why.empty() ? "" : "; ") + k +
                       (on_page ? (s.init ? " is listed for init_module() only" : " is listed for finit_module() only")
                                : " is not in this page");
            }
            words = "nothing about this input" + (why.empty() ? std::string() : " (" + why + ")");
        }
        j["man_source"] = man_page + ": " + words;
        j["man_says"] = r->man_says;
        j["contract_source"] = r->source;
        j["contract_line"] = r->line;
    }
    const auto& o = rec.outcome.observation;
    std::vector<int> gots;  // one result, or one per concurrent caller
    if (o.caller_rets.empty()) gots.push_back(o.ret == 0 ? 0 : o.err);
    for (size_t c = 0; c < o.caller_rets.size(); ++c)
        gots.push_back(o.caller_rets[c] == 0 ? 0 : (c < o.caller_errs.size() ? o.caller_errs[c] : 0));
    bool judged = o.has_result && o.crashes.empty() && o.vm_event.empty() && !o.timed_out;
    j["followed"] = (r && judged) ? followed(r->expect, man.errnos, gots) : "-";
    auto log = case_log_of(rec.outcome.guest);
    j["log_class"] = log.log_class;
    // Signals besides the errno ("stack-dump", "sysfs-duplicate"): a PASS can come with them.
    j["log_notes"] = log.notes;
    // O and E are added by the first unsigned out-of-tree module of each boot: history, not
    // the case. Keep them in the raw field, leave them out of the one diffs compare.
    std::string raw = j.value("taint_added", "");
    std::string filtered;
    for (char t : raw)
        if (t != 'O' && t != 'E') filtered.push_back(t);
    j["taint_added_raw"] = raw;
    j["taint_added"] = filtered;
    if (!meta.malformation.empty()) j["malformation"] = meta.malformation;
    return j;
}

Expected<nlohmann::json> run_suite(const SuiteOptions& opt) {
    using nlohmann::json;
    auto progress = [&](const std::string& s) {
        if (opt.on_progress) opt.on_progress(s);
    };
    auto contract = load_contract(opt.conformance_dir / "contract.txt");
    if (!contract) return contract.error();
    // A --man-page typo is a usage error before anything boots.
    if (!opt.man_page.empty() && !find_man_page(contract->man, opt.man_page))
        return usage_error("unknown --man-page '" + opt.man_page + "' (pages: " + man_page_names(contract->man) + ")");
    auto groups_text = read_text_file(opt.conformance_dir / "groups.txt");
    if (!groups_text) return environment_error("cannot read " + (opt.conformance_dir / "groups.txt").string());
    auto groups = parse_groups(*groups_text, (opt.conformance_dir / "groups.txt").string());
    if (!groups) return groups.error();
    // A --group typo would otherwise select nothing and report an empty run.
    for (const auto& name : opt.only_groups) {
        std::string known;
        for (const auto& g : *groups) known += (known.empty() ? "" : ", ") + g.name;
        if (std::none_of(groups->begin(), groups->end(), [&](const auto& g) { return g.name == name; }))
            return usage_error("unknown --group '" + name + "' (groups: " + known + ")");
    }

    auto t0 = std::chrono::steady_clock::now();
    json run;
    run["schema"] = std::string(kRunSchema);
    run["tool"] = {{"name", "modharness"}, {"version", "0.1.0"}};
    run["started_utc"] = utc_now_iso();
    run["groups"] = json::array();
    run["cases"] = json::array();
    json classes = json::object();
    for (const auto& [id, c] : contract->classes) classes[id] = {{"title", c.title}, {"section", c.section}};
    run["classes"] = classes;
    // Classes of contract.md §3 that no case runs, with the reason: every report prints them.
    run["uncovered"] = json::array();
    for (const auto& u : contract->uncovered)
        run["uncovered"].push_back({{"id", u.id}, {"section", u.section}, {"title", u.title}, {"reason", u.reason}});
    // conformance.json as the run stands. A run that cannot be stored stops like a full
    // results.jsonl: run["stopped"] says why and the caller exits 4.
    auto store = [&] {
        auto w =
            write_file_atomic(opt.session.out_dir / "conformance.json", run.dump(1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (!w) run["stopped"] = w.error().message;
        return static_cast<bool>(w);
    };
    std::map<std::string, int> summary, followed_summary;
    std::string man_page;  // chosen once the first group's kernel is known
    // Held until the suite returns: a second conform into this --out is refused at once.
    MH_TRY_ASSIGN(out_lock, host::lock_output_dir(opt.session.out_dir));

    std::vector<PlannedGroup> plan;
    for (const auto& group : *groups) {
        if (!opt.only_groups.empty() && std::find(opt.only_groups.begin(), opt.only_groups.end(), group.name) == opt.only_groups.end())
            continue;
        auto gc = build_group_cases(group, opt.conformance_dir);
        if (!gc) return gc.error();
        GroupCases selected = select_cases(*gc, opt.case_filter);
        if (!selected.cases.empty()) plan.push_back({group, std::move(selected)});
    }
    if (opt.shard.total > 1) {
        keep_shard(plan, opt.shard, opt.case_cost);
        size_t n = 0;
        for (const auto& p : plan) n += p.cases.cases.size();
        run["shard"] = {{"index", opt.shard.index}, {"total", opt.shard.total}, {"cases", n}};
        progress("shard " + opt.shard.text() + ": " + std::to_string(n) + " cases");
        if (plan.empty()) {
            // More shards than the cut can fill: this one runs nothing, and says so in a run file
            // merge-runs can join (no VM booted, so no kernel is named).
            run["summary"] = json::object();
            run["followed_summary"] = json::object();
            run["wall_seconds"] = 0.0;
            store();
        }
    }

    for (auto& [group, selected] : plan) {
        progress("group " + group.name + ": " + std::to_string(selected.cases.size()) + " cases");

        session::SessionOptions so = opt.session;
        so.out_dir = opt.session.out_dir / group.name;
        so.guest_cmdline_extra.insert(so.guest_cmdline_extra.end(), group.cmdline.begin(), group.cmdline.end());
        bool enforce = std::find(group.cmdline.begin(), group.cmdline.end(), "module.sig_enforce=1") != group.cmdline.end();
        std::vector<const Rule*> rules(selected.cases.size(), nullptr);
        std::vector<std::string> eff_class(selected.cases.size());
        json kernel_json;
        auto prepared = session::prepare_session(selected.cases, so);
        if (!prepared) return with_context("group " + group.name + ": ", prepared.error());
        if (!prepared->ended_early)
            kernel_json = set_expectations(*contract, selected.meta, enforce, prepared->kernel, prepared->batch.cases, rules, eff_class);
        if (man_page.empty() && !prepared->ended_early) {  // the page of the kernel the first group resolved
            auto chosen = choose_man_page(contract->man, opt.man_page, prepared->kernel.release);
            if (!chosen) return chosen.error();
            man_page = (*chosen)["name"].get<std::string>();
            run["man_page"] = *chosen;
        }
        auto user_on_case = opt.session.on_case;
        json group_cases = json::array();
        so.on_case = [&](const session::HostCase& hc, const session::CaseOutcome& co) {
            if (user_on_case) user_on_case(hc, co);
        };
        auto result = session::run_prepared(std::move(prepared).value(), so);
        if (!result) return with_context("group " + group.name + ": ", result.error());
        run["kernel"] = kernel_json;
        run["accel_reason"] = result->accel_reason;
        run["accel"] = vm::accel_name(result->accel);
        for (const auto& rec : result->records) {
            size_t i = static_cast<size_t>(rec.outcome.idx);
            json j = case_json(rec, *result, group.name, eff_class[i], rules[i], selected.meta[i], contract->man, man_page);
            ++summary[std::string(verdict::verdict_name(rec.outcome.judgement.verdict))];
            ++followed_summary[j.value("followed", "-")];
            run["cases"].push_back(j);
        }
        // Kernel reports between cases: findings of their own, after the case that ran last.
        for (const auto& ev : result->events) {
            json e = session::event_to_json(ev, result->kernel);
            e["group"] = group.name;
            run["events"].push_back(e);
        }
        run["groups"].push_back({{"name", group.name},
                                 {"cmdline", group.cmdline},
                                 {"cases", result->records.size()},
                                 {"vms", result->stats.vms},
                                 {"boot_failures", result->stats.boot_failures},
                                 {"kernel_events", result->stats.kernel_events},
                                 {"late_kernel_events", result->events.size()},
                                 {"bad_frames", result->stats.bad_frames},
                                 {"results_lost", result->stats.results_lost},
                                 {"wall_seconds", result->stats.wall_seconds},
                                 {"first_result_seconds", result->stats.first_result_seconds},
                                 {"completed", result->stats.completed}});
        run["groups"].back().update(session::reset_to_json(result->stats));
        run["summary"] = summary;
        run["followed_summary"] = followed_summary;
        run["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!store()) break;
        if (!result->stopped.empty()) {
            // Results can no longer be stored: no further group, and the caller says why.
            run["stopped"] = result->stopped;
            break;
        }
        if (result->stats.interrupted) {
            run["interrupted"] = true;
            store();
            break;
        }
    }
    return run;
}

}  // namespace mh::conformance
