// A campaign's running state and its resume file (see campaign_state.h).
#include "harness/campaign/campaign_state.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"

namespace mh::campaign {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kSchema = "modharness.fuzz/1";

}  // namespace

// campaign.json holds the totals and, beside them, errnos keyed by their number as a string
// (JSON keys are strings), so `errnos` is written and read apart from the macro's fields.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Totals, elapsed_s, engine_s, restart_s, execs, loaded, vms, feedback)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CurvePoint, t, execs, pcs, loader, crashes)

std::string state_file_text(const std::string& engine, const std::string& kernel, const Totals& t, int crash_events, bool final_write) {
    json j = t;
    j["schema"] = kSchema;
    j["engine"] = engine;
    j["kernel"] = kernel;
    json ej = json::object();
    for (auto [e, n] : t.errnos) ej[std::to_string(e)] = n;
    j["errnos"] = ej;
    j["crash_events"] = crash_events;
    j["final"] = final_write;
    return j.dump(2) + "\n";
}

Expected<Totals> parse_state_file(const std::string& text, const CampaignOptions& opt) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || j.value("schema", "") != kSchema)
        return make_error((opt.out / "campaign.json").string() + " is not a modharness campaign state file");
    // Counters of one engine on one kernel do not add up with another's.
    if (j.value("engine", "") != opt.engine || j.value("kernel", "") != opt.kernel)
        return usage_error(opt.out.string() + " holds a " + j.value("engine", "?") + " campaign on " + j.value("kernel", "?") +
                           ": use another --out for " + opt.engine + " on " + opt.kernel);
    try {
        Totals t = j.get<Totals>();
        if (j.contains("errnos"))
            for (auto& [k, v] : j["errnos"].items()) t.errnos[std::atoi(k.c_str())] = v.get<uint64_t>();
        return t;
    } catch (const json::exception& e) {
        return make_error((opt.out / "campaign.json").string() + ": a field has the wrong type (" + e.what() + ")");
    }
}

void CampaignState::start(int jobs) {
    started = Clock::now();
    vm_execs.assign(static_cast<size_t>(jobs), 0);
    stage_pending.assign(static_cast<size_t>(jobs), true);
    vm_loaded.assign(static_cast<size_t>(jobs), 0);
    vm_errnos.assign(static_cast<size_t>(jobs), {});
    vm_phases_us.assign(static_cast<size_t>(jobs), {});
    vm_imported.assign(static_cast<size_t>(jobs), 0);
}

uint64_t CampaignState::execs() const {
    uint64_t n = totals.execs;
    for (auto e : vm_execs) n += e;
    return n;
}

Totals CampaignState::now() const {
    Totals t = totals;
    t.elapsed_s = elapsed();
    t.execs = execs();
    for (auto l : vm_loaded) t.loaded += l;
    for (auto n : vm_imported) t.vm_imported += n;
    for (const auto& m : vm_errnos)
        for (auto [e, n] : m) t.errnos[e] += n;
    return t;
}

Expected<bool> load_state(CampaignState& st, const CampaignOptions& opt) {
    bool resumed = false;
    if (auto prev = read_text_file(opt.out / "campaign.json")) {
        MH_TRY_ASSIGN(totals, parse_state_file(*prev, opt));
        st.totals = std::move(totals);
        resumed = true;
    }
    std::ifstream pin(opt.out / "pcs.txt");
    std::string line;
    while (std::getline(pin, line)) {
        if (line.empty()) continue;
        const uint64_t pc = std::strtoull(line.c_str(), nullptr, 16);
        if (pc && st.pcs.insert(pc).second && opt.is_loader_site && opt.is_loader_site(pc)) ++st.loader;
    }
    std::ifstream cin(opt.out / "coverage.jsonl");
    while (std::getline(cin, line)) {
        auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("t")) continue;  // a torn last line
        try {
            st.curve.push_back(j.get<CurvePoint>());
        } catch (const json::exception&) {
            // a line of another shape: not a curve point
        }
    }
    std::error_code ec;
    for (auto& e : fs::directory_iterator(opt.out / "corpus", ec)) st.corpus_names.insert(e.path().filename().string());
    return resumed;
}

Status save_state(const CampaignState& st, const CampaignOptions& opt, int crash_events, bool final_write) {
    return write_file_atomic(opt.out / "campaign.json", state_file_text(opt.engine, opt.kernel, st.now(), crash_events, final_write));
}

void add_curve_point(CampaignState& st, int crash_events, session::ResultsSink& curve_file) {
    CurvePoint p{st.elapsed(), st.execs(), st.pcs.size(), st.loader, crash_events};
    st.curve.push_back(p);
    (void)curve_file.append(json(p).dump());  // a lost curve point is not worth stopping for
}

}  // namespace mh::campaign
