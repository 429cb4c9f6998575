// Case files run on one kernel, reported in the conformance run schema so every run report and the matrix read them.
#include "conformance/case_file_run.h"

#include <chrono>
#include <map>
#include <set>

#include "conformance/report/run_file.h"
#include "harness/common/files.h"
#include "harness/host/output_lock.h"
#include "harness/kernel_log/case_log.h"
#include "harness/session/result_json.h"
#include "harness/vm/qemu_argv.h"

namespace mh::conformance {

Expected<std::vector<session::HostCase>> load_case_files(const std::vector<std::filesystem::path>& files) {
    std::vector<session::HostCase> all;
    std::set<std::string> ids;
    for (const auto& f : files) {
        auto cases = session::load_case_file(f);
        if (!cases) return usage_error(cases.error().message);
        for (auto& hc : *cases) {
            if (!ids.insert(hc.guest.id).second) return usage_error(hc.source + ": case id '" + hc.guest.id + "' is used twice");
            hc.guest.idx = static_cast<int>(all.size());
            all.push_back(std::move(hc));
        }
    }
    if (all.empty()) return usage_error("the case files hold no case");
    return all;
}

Expected<nlohmann::json> run_case_files(const std::vector<std::filesystem::path>& files, const session::SessionOptions& options) {
    using nlohmann::json;
    MH_TRY_ASSIGN(cases, load_case_files(files));
    const auto t0 = std::chrono::steady_clock::now();
    const std::string started = utc_now_iso();
    MH_TRY_ASSIGN(out_lock, host::lock_output_dir(options.out_dir));
    session::SessionOptions so = options;
    so.out_dir = options.out_dir / kCaseFilesGroup;
    MH_TRY_ASSIGN(result, session::run_session(std::move(cases), so));

    json run;
    run["schema"] = std::string(kRunSchema);
    run["tool"] = {{"name", "modharness"}, {"version", "0.1.0"}};
    run["started_utc"] = started;
    run["kernel"] = {{"name", result.kernel.name},
                     {"release", result.kernel.release},
                     {"version", result.kernel.version},
                     {"config", result.kernel.config}};
    run["accel"] = vm::accel_name(result.accel);
    run["accel_reason"] = result.accel_reason;
    run["case_files"] = json::array();
    for (const auto& f : files) run["case_files"].push_back(f.string());
    run["cases"] = json::array();
    std::map<std::string, int> summary;
    for (const auto& rec : result.records) {
        json j = session::result_to_json(rec.host, rec.outcome, result.kernel);
        j["group"] = kCaseFilesGroup;
        j["class"] = rec.host.input_class;
        // As the suite does (kernel_log/case_log.h): the class that explains the result, and the notices.
        const auto kmsg = rec.outcome.guest ? rec.outcome.guest->get("kmsg") : std::nullopt;
        const auto log = kmsg ? kernel_log::summarize_case_log(*kmsg) : kernel_log::CaseLog{};
        j["log_class"] = log.log_class;
        j["log_notes"] = log.notes;
        // As the suite does: O and E come from the boot's first unsigned out-of-tree module, not the case.
        std::string raw = j.value("taint_added", ""), filtered;
        for (char t : raw)
            if (t != 'O' && t != 'E') filtered.push_back(t);
        j["taint_added_raw"] = raw;
        j["taint_added"] = filtered;
        ++summary[j.value("verdict", "")];
        run["cases"].push_back(std::move(j));
    }
    run["events"] = json::array();
    for (const auto& ev : result.events) {
        json e = session::event_to_json(ev, result.kernel);
        e["group"] = kCaseFilesGroup;
        run["events"].push_back(e);
    }
    const auto& st = result.stats;
    run["groups"] = json::array({{{"name", kCaseFilesGroup},
                                  {"cmdline", options.guest_cmdline_extra},
                                  {"cases", result.records.size()},
                                  {"vms", st.vms},
                                  {"boot_failures", st.boot_failures},
                                  {"kernel_events", st.kernel_events},
                                  {"late_kernel_events", result.events.size()},
                                  {"bad_frames", st.bad_frames},
                                  {"results_lost", st.results_lost},
                                  {"wall_seconds", st.wall_seconds},
                                  {"first_result_seconds", st.first_result_seconds},
                                  {"completed", st.completed}}});
    run["groups"][0].update(session::reset_to_json(st));
    run["summary"] = summary;
    run["classes"] = json::object();
    run["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (st.interrupted) run["interrupted"] = true;
    if (!result.stopped.empty()) run["stopped"] = result.stopped;
    if (auto w = write_file_atomic(options.out_dir / "conformance.json", run.dump(1, ' ', false, json::error_handler_t::replace)); !w)
        run["stopped"] = w.error().message;
    return run;
}

}  // namespace mh::conformance
