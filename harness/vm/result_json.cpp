// Result record: inputs, observation, verdict and evidence of one case.
#include "harness/vm/result_json.h"

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

}  // namespace mh::vm
