// Result record: inputs, observation, verdict and evidence of one case.
#include "harness/vm/result_json.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/report/taint.h"
#include "harness/sys/errno_names.h"

namespace mh::vm {
namespace {

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string l;
    while (std::getline(in, l)) out.push_back(l);
    return out;
}

}  // namespace

nlohmann::json result_to_json(const HostCase& hc, const CaseOutcome& co, const Kernel& kernel) {
    using nlohmann::json;
    const auto& g = hc.guest;
    const auto& o = co.observation;
    json j;
    j["schema"] = kResultSchema;
    j["idx"] = co.idx;
    j["id"] = co.id;
    if (!hc.input_class.empty()) j["class"] = hc.input_class;
    j["kernel"] = {{"name", kernel.name}, {"release", kernel.release}, {"version", kernel.version}};
    json input = {{"call", g.call == executor::Call::Init ? "init" : g.call == executor::Call::Finit ? "finit" : "none"},
                  {"image", hc.image}};
    if (!hc.malformations.empty()) input["malform"] = hc.malformations, input["malform_seed"] = hc.malform_seed;
    if (g.call == executor::Call::Init) {
        input["buf"] = g.buffer;
        if (g.has_len) input["len"] = g.len;
    }
    if (g.call == executor::Call::Finit) input["fd"] = g.fd, input["flags"] = g.flags;
    if (!g.params.empty() || g.params_kind != "string") input["params"] = g.params, input["params_ptr"] = g.params_kind;
    if (g.privilege != executor::Privilege::Root) input["priv"] = g.privilege == executor::Privilege::NoCap ? "nocap" : "userns";
    if (!g.module_name.empty()) input["module"] = g.module_name;
    j["input"] = input;
    if (hc.expect) {
        json e = json::array();
        for (int x : *hc.expect) e.push_back(sys::errno_name(x));
        j["expect"] = e;
    }
    j["verdict"] = std::string(report::verdict_name(co.judgement.verdict));
    j["reason"] = co.judgement.reason;
    if (!co.judgement.title.empty()) j["title"] = co.judgement.title;
    if (o.has_result) {
        j["ret"] = o.ret;
        j["errno"] = o.ret == 0 ? "0" : sys::errno_name(o.err);
        if (co.guest && co.guest->has("ns")) j["ns"] = std::stoull(*co.guest->get("ns"));
    }
    if (!o.setup_error.empty()) j["setup_error"] = o.setup_error;
    if (!o.caller_rets.empty()) {
        std::vector<std::string> callers;
        for (size_t i = 0; i < o.caller_rets.size(); ++i) {
            int e = i < o.caller_errs.size() ? o.caller_errs[i] : 0;
            callers.push_back(o.caller_rets[i] == 0 ? "0" : sys::errno_name(e));
        }
        j["callers"] = callers;
        // Which caller wins a race varies from run to run; the multiset of results does not.
        std::sort(callers.begin(), callers.end());
        std::string all;
        for (const auto& c : callers) all += (all.empty() ? "" : ",") + c;
        if (o.has_result) j["errno"] = all;
    }
    j["taint_before"] = o.taint_before;
    j["taint_after"] = o.taint_after;
    j["taint_added"] = report::taint_letters(report::taint_added(o.taint_before, o.taint_after));
    if (co.guest) {
        if (auto k = co.guest->get("kmsg")) j["kmsg"] = split_lines(*k);
        if (auto u = co.guest->get("unload")) j["unload_errno"] = sys::errno_name(std::atoi(u->c_str()));
        if (co.guest->get("poisoned") == "1") j["vm_restarted_after"] = true;
    }
    if (!o.vm_event.empty()) j["vm_event"] = o.vm_event;
    if (o.timed_out) j["timed_out"] = true;
    if (o.signal) j["signal"] = o.signal;
    if (!o.crashes.empty()) {
        json cr = json::array();
        for (const auto& c : o.crashes) cr.push_back({{"kind", std::string(report::crash_kind_name(c.kind))}, {"title", c.title}});
        j["crashes"] = cr;
    }
    if (!co.console_excerpt.empty()) j["console_excerpt"] = co.console_excerpt;
    j["vm"] = co.vm_index;
    j["console_log"] = co.console_log.string();
    return j;
}

Expected<CaseOutcome> outcome_from_json(const nlohmann::json& j) {
    if (!j.is_object() || j.value("schema", "") != kResultSchema) return make_error("not a " + std::string(kResultSchema) + " record");
    CaseOutcome co;
    co.idx = j.value("idx", 0);
    co.id = j.value("id", "");
    if (co.id.empty()) return make_error("result record without id");
    static const std::map<std::string, report::Verdict> verdicts = {
        {"PASS", report::Verdict::Pass}, {"FAIL", report::Verdict::Fail},     {"CONF", report::Verdict::Conf},
        {"BROK", report::Verdict::Brok}, {"KERNEL", report::Verdict::Kernel}, {"RAN", report::Verdict::Ran}};
    auto v = verdicts.find(j.value("verdict", ""));
    if (v == verdicts.end()) return make_error("result record " + co.id + " has no valid verdict");
    co.judgement.verdict = v->second;
    co.judgement.reason = j.value("reason", "");
    co.judgement.title = j.value("title", "");
    auto& o = co.observation;
    o.has_result = j.contains("ret");
    o.ret = j.value("ret", 0L);
    if (o.has_result && o.ret != 0) o.err = sys::errno_from_name(j.value("errno", "0")).value_or(0);
    o.setup_error = j.value("setup_error", "");
    o.taint_before = j.value("taint_before", uint64_t{0});
    o.taint_after = j.value("taint_after", uint64_t{0});
    o.vm_event = j.value("vm_event", "");
    o.timed_out = j.value("timed_out", false);
    o.signal = j.value("signal", 0);
    if (j.contains("callers") && j["callers"].is_array())
        for (const auto& c : j["callers"]) {
            int e = sys::errno_from_name(c.get<std::string>()).value_or(0);
            o.caller_rets.push_back(e == 0 ? 0 : -1);
            o.caller_errs.push_back(e);
        }
    if (j.contains("crashes") && j["crashes"].is_array())
        for (const auto& c : j["crashes"]) {
            report::CrashReport r;
            r.title = c.value("title", "");
            o.crashes.push_back(r);
        }
    KvRecord guest;
    if (j.contains("ns")) guest.set("ns", std::to_string(j.value("ns", uint64_t{0})));
    if (j.contains("kmsg") && j["kmsg"].is_array()) {
        std::string k;
        for (const auto& line : j["kmsg"]) k += (k.empty() ? "" : "\n") + line.get<std::string>();
        guest.set("kmsg", k);
    }
    if (o.has_result || !guest.items().empty()) co.guest = guest;
    co.vm_index = j.value("vm", 0);
    co.console_log = j.value("console_log", "");
    co.console_excerpt = j.value("console_excerpt", "");
    return co;
}

Expected<RecordedResults> read_recorded_results(const std::filesystem::path& file) {
    RecordedResults out;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return out;
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error("cannot read " + file.string());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    size_t last_nl = text.rfind('\n');
    size_t complete = last_nl == std::string::npos ? 0 : last_nl + 1;
    if (complete < text.size()) {
        ++out.dropped;  // torn final line
        std::filesystem::resize_file(file, complete, ec);
        if (ec) return make_error("cannot truncate the torn last line of " + file.string() + ": " + ec.message());
    }
    std::istringstream lines(text.substr(0, complete));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        auto co = j.is_discarded() ? Expected<CaseOutcome>(make_error("bad JSON")) : outcome_from_json(j);
        if (!co) {
            ++out.dropped;
            continue;
        }
        out.by_id[co->id] = std::move(co).value();
    }
    return out;
}

}  // namespace mh::vm
