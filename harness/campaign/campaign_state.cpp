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

std::string state_file_text(const std::string& engine, const std::string& kernel, const Totals& t, int crash_events, bool final_write) {
    json j;
    j["schema"] = kSchema;
    j["engine"] = engine;
    j["kernel"] = kernel;
    j["elapsed_s"] = t.elapsed_s;
    j["engine_s"] = t.engine_s;
    j["restart_s"] = t.restart_s;
    j["execs"] = t.execs;
    j["loaded"] = t.loaded;
    j["vms"] = t.vms;
    j["feedback"] = t.feedback;
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
    Totals t;
    t.elapsed_s = j.value("elapsed_s", 0.0);
    t.engine_s = j.value("engine_s", 0.0);
    t.restart_s = j.value("restart_s", 0.0);
    t.execs = j.value("execs", uint64_t{0});
    t.loaded = j.value("loaded", uint64_t{0});
    t.vms = j.value("vms", 0);
    t.feedback = j.value("feedback", "");
    if (j.contains("errnos"))
        for (auto& [k, v] : j["errnos"].items()) t.errnos[std::atoi(k.c_str())] = v.get<uint64_t>();
    return t;
}

void CampaignState::start(int jobs) {
    started = Clock::now();
    vm_execs.assign(static_cast<size_t>(jobs), 0);
    stage_pending.assign(static_cast<size_t>(jobs), true);
    vm_loaded.assign(static_cast<size_t>(jobs), 0);
    vm_errnos.assign(static_cast<size_t>(jobs), {});
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
        if (!j.is_discarded() && j.contains("t"))
            st.curve.push_back({j.value("t", 0.0), j.value("execs", uint64_t{0}), j.value("pcs", size_t{0}), j.value("loader", size_t{0}),
                                j.value("crashes", 0)});
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
    json j{{"t", p.t}, {"execs", p.execs}, {"pcs", p.pcs}, {"loader", p.loader}, {"crashes", p.crashes}};
    (void)curve_file.append(j.dump());  // a lost curve point is not worth stopping for
}

}  // namespace mh::campaign
