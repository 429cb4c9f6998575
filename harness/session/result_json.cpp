// Result record: inputs, observation, verdict and evidence of one case.
#include "harness/session/result_json.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/session/case_input.h"
#include "harness/kernel_log/taint.h"
#include "harness/sys/errno_names.h"

namespace mh::session {
namespace {

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    for (auto [line, number] : lines(s)) out.emplace_back(line);
    return out;
}

// Typed reads of a results line that may have been edited or damaged: a missing field or one
// of the wrong type or range reads as the fallback (nlohmann's value() would throw, and its
// number conversions are unchecked).
std::string str(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
T integer(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return T{};
    if (it->is_number_unsigned()) {
        auto v = it->get<std::uint64_t>();
        return std::in_range<T>(v) ? static_cast<T>(v) : T{};
    }
    if (it->is_number_integer()) {
        auto v = it->get<std::int64_t>();
        return std::in_range<T>(v) ? static_cast<T>(v) : T{};
    }
    return T{};
}

bool boolean(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

nlohmann::json result_to_json(const HostCase& hc, const CaseOutcome& co, const kernels::Kernel& kernel) {
    using nlohmann::json;
    const auto& o = co.observation;
    json j;
    j["schema"] = kResultSchema;
    j["idx"] = co.idx;
    j["id"] = co.id;
    if (!hc.input_class.empty()) j["class"] = hc.input_class;
    j["kernel"] = {{"name", kernel.name}, {"release", kernel.release}, {"version", kernel.version}};
    j["input"] = input_to_json(hc, co.guest);
    if (!hc.input_hash.empty()) j["input_hash"] = hc.input_hash;
    if (hc.expect) {
        json e = json::array();
        for (int x : *hc.expect) e.push_back(sys::errno_name(x));
        j["expect"] = e;
    }
    j["verdict"] = std::string(verdict::verdict_name(co.judgement.verdict));
    j["reason"] = co.judgement.reason;
    if (!co.judgement.title.empty()) j["title"] = co.judgement.title;
    if (o.has_result) {
        j["ret"] = o.ret;
        j["errno"] = o.ret == 0 ? "0" : sys::errno_name(o.err);
        if (co.guest && co.guest->has("ns")) {
            // From the guest's frame: only a well-formed number is passed on.
            std::string ns = *co.guest->get("ns");
            std::uint64_t v = 0;
            auto [end, ec] = std::from_chars(ns.data(), ns.data() + ns.size(), v);
            if (ec == std::errc() && end == ns.data() + ns.size()) j["ns"] = v;
        }
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
    j["taint_added"] = kernel_log::taint_letters(kernel_log::taint_added(o.taint_before, o.taint_after));
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
        for (const auto& c : o.crashes) cr.push_back({{"kind", std::string(kernel_log::crash_kind_name(c.kind))}, {"title", c.title}});
        j["crashes"] = cr;
    }
    if (!co.console_excerpt.empty()) j["console_excerpt"] = co.console_excerpt;
    j["vm"] = co.vm_index;
    j["console_log"] = co.console_log.string();
    return j;
}

std::string result_line(const HostCase& hc, const CaseOutcome& co, const kernels::Kernel& kernel) {
    // Console excerpts and titles carry raw console bytes: invalid UTF-8 is replaced, not fatal.
    return result_to_json(hc, co, kernel).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<CaseOutcome> outcome_from_json(const nlohmann::json& j) {
    if (!j.is_object() || str(j, "schema") != kResultSchema) return make_error("not a " + std::string(kResultSchema) + " record");
    CaseOutcome co;
    co.idx = integer<int>(j, "idx");
    co.id = str(j, "id");
    if (co.id.empty()) return make_error("result record without id");
    static const std::map<std::string, verdict::Verdict> verdicts = {{"PASS", verdict::Verdict::Pass},     {"FAIL", verdict::Verdict::Fail},
                                                                     {"CONF", verdict::Verdict::Conf},     {"BROK", verdict::Verdict::Brok},
                                                                     {"KERNEL", verdict::Verdict::Kernel}, {"RAN", verdict::Verdict::Ran}};
    auto v = verdicts.find(str(j, "verdict"));
    if (v == verdicts.end()) return make_error("result record " + co.id + " has no valid verdict");
    co.judgement.verdict = v->second;
    co.judgement.reason = str(j, "reason");
    co.judgement.title = str(j, "title");
    auto& o = co.observation;
    o.has_result = j.contains("ret");
    o.ret = integer<long>(j, "ret");
    if (o.has_result && o.ret != 0) o.err = sys::errno_from_name(str(j, "errno")).value_or(0);
    o.setup_error = str(j, "setup_error");
    o.taint_before = integer<std::uint64_t>(j, "taint_before");
    o.taint_after = integer<std::uint64_t>(j, "taint_after");
    o.vm_event = str(j, "vm_event");
    o.timed_out = boolean(j, "timed_out");
    o.signal = integer<int>(j, "signal");
    if (auto it = j.find("callers"); it != j.end() && it->is_array())
        for (const auto& c : *it) {
            int e = c.is_string() ? sys::errno_from_name(c.get<std::string>()).value_or(0) : 0;
            o.caller_rets.push_back(e == 0 ? 0 : -1);
            o.caller_errs.push_back(e);
        }
    if (auto it = j.find("crashes"); it != j.end() && it->is_array())
        for (const auto& c : *it) {
            kernel_log::CrashReport r;
            if (c.is_object()) r.title = str(c, "title");
            o.crashes.push_back(r);
        }
    KvRecord guest;
    if (j.contains("ns")) guest.set("ns", std::to_string(integer<std::uint64_t>(j, "ns")));
    if (auto it = j.find("kmsg"); it != j.end() && it->is_array()) {
        std::string k;
        for (const auto& line : *it)
            if (line.is_string()) k += (k.empty() ? "" : "\n") + line.get<std::string>();
        guest.set("kmsg", k);
    }
    if (o.has_result || !guest.items().empty()) co.guest = guest;
    co.vm_index = integer<int>(j, "vm");
    co.console_log = str(j, "console_log");
    co.console_excerpt = str(j, "console_excerpt");
    return co;
}

nlohmann::json event_to_json(const SessionEvent& ev, const kernels::Kernel& kernel) {
    using nlohmann::json;
    json j;
    j["schema"] = kEventSchema;
    j["kind"] = ev.kind;
    j["late"] = true;
    j["after_idx"] = ev.after_idx;
    j["after_id"] = ev.after_id;
    j["kernel"] = {{"name", kernel.name}, {"release", kernel.release}, {"version", kernel.version}};
    j["verdict"] = "KERNEL";
    json cr = json::array();
    for (const auto& c : ev.crashes) cr.push_back({{"kind", std::string(kernel_log::crash_kind_name(c.kind))}, {"title", c.title}});
    j["crashes"] = cr;
    if (!ev.crashes.empty()) j["title"] = ev.crashes.front().title;
    if (!ev.console_excerpt.empty()) j["console_excerpt"] = ev.console_excerpt;
    j["vm"] = ev.vm_index;
    j["console_log"] = ev.console_log.string();
    return j;
}

std::string event_line(const SessionEvent& ev, const kernels::Kernel& kernel) {
    return event_to_json(ev, kernel).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<SessionEvent> event_from_json(const nlohmann::json& j) {
    if (!j.is_object() || str(j, "schema") != kEventSchema) return make_error("not a " + std::string(kEventSchema) + " record");
    SessionEvent ev;
    ev.kind = str(j, "kind");
    ev.after_idx = integer<int>(j, "after_idx");
    ev.after_id = str(j, "after_id");
    if (ev.kind.empty() || ev.after_id.empty()) return make_error("event record without kind or case");
    if (auto it = j.find("crashes"); it != j.end() && it->is_array())
        for (const auto& c : *it) {
            kernel_log::CrashReport r;
            if (c.is_object()) r.title = str(c, "title");
            ev.crashes.push_back(r);
        }
    ev.console_excerpt = str(j, "console_excerpt");
    ev.vm_index = integer<int>(j, "vm");
    ev.console_log = str(j, "console_log");
    return ev;
}

RecordedResults parse_recorded_results(std::string_view text) {
    RecordedResults out;
    // Whole lines only: text after the last '\n' is a line torn by a crash mid-append.
    const std::size_t complete = text.rfind('\n') + 1;  // 0 when there is no '\n' (npos + 1)
    for (auto [line, number] : lines(text.substr(0, complete))) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.is_object() && str(j, "schema") == kEventSchema) {
            auto ev = event_from_json(j);
            if (ev)
                out.events.push_back(std::move(ev).value());
            else
                ++out.dropped;
            continue;
        }
        auto co = j.is_discarded() ? Expected<CaseOutcome>(make_error("bad JSON")) : outcome_from_json(j);
        if (!co) {
            ++out.dropped;
            continue;
        }
        out.input_hash[co->id] = str(j, "input_hash");
        auto k = j.find("kernel");
        out.kernel_release[co->id] = k != j.end() && k->is_object() ? str(*k, "release") : std::string();
        out.by_id[co->id] = std::move(co).value();
    }
    if (complete < text.size()) ++out.dropped;  // torn final line
    return out;
}

Expected<RecordedResults> read_recorded_results(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return RecordedResults{};
    auto contents = read_text_file(file);
    if (!contents) return make_error("cannot read " + file.string());
    const std::string& text = *contents;
    size_t last_nl = text.rfind('\n');
    size_t complete = last_nl == std::string::npos ? 0 : last_nl + 1;
    if (complete < text.size()) {
        std::filesystem::resize_file(file, complete, ec);
        if (ec) return make_error("cannot truncate the torn last line of " + file.string() + ": " + ec.message());
    }
    return parse_recorded_results(text);
}

nlohmann::json reset_to_json(const BatchStats& st) {
    const bool snapshot = st.snapshots + st.snapshots_cached + st.vms_restored > 0;
    nlohmann::json j = {{"reset", snapshot ? "snapshot" : "boot"},
                        {"vms_restored", st.vms_restored},
                        {"snapshots", st.snapshots},
                        {"snapshots_cached", st.snapshots_cached}};
    if (st.snapshot_seconds >= 0) j["snapshot_seconds"] = st.snapshot_seconds;
    if (!st.snapshot_fallback.empty()) j["snapshot_fallback"] = st.snapshot_fallback;
    return j;
}

}  // namespace mh::session
