// Replay + minimise + reproducer files for one crash (see triage.h).
#include "harness/campaign/triage.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::campaign {

namespace fs = std::filesystem;

Expected<TriageResult> triage_crash(const ReplayOptions& replay, const fs::path& target, const TriageOptions& options) {
    std::error_code ec;
    const bool is_group = fs::is_directory(target, ec);
    const fs::path input_path = is_group ? target / "input.bin" : target;
    auto input_text = read_text_file(input_path);
    if (!input_text)
        return make_error(is_group ? target.string() + " has no input.bin (the crash took its input with the VM)"
                                   : input_text.error().message);
    const mutate::Bytes input(input_text->begin(), input_text->end());
    TriageResult r;
    r.input_bytes = input.size();
    const int restored_before = replay.snapshot ? replay.snapshot->restored() : 0;
    const auto started = std::chrono::steady_clock::now();

    if (is_group)
        if (auto t = read_text_file(target / "title.txt")) r.expected_title = trim(*t);
    const fs::path dir = is_group ? target : target.parent_path();
    const auto matches = [&](const ReplayOutcome& o) { return o.crashed && (r.expected_title.empty() || o.title == r.expected_title); };

    for (int i = 0; i < options.runs; ++i) {
        ReplayOptions o = replay;
        o.work_dir = replay.work_dir / ("replay-" + std::to_string(i));
        auto out = replay_inputs(o, {input});
        if (!out) return out.error();
        ++r.runs;
        ++r.vms;
        if (out->crashed) {
            r.observed_title = out->title;
            r.observed_excerpt = out->excerpt;
        }
        if (matches(*out)) ++r.reproduced_runs;
    }
    if (r.reproduces() && options.minimise) {
        const std::string title = r.expected_title.empty() ? r.observed_title : r.expected_title;
        auto m = minimise_crash(replay, input, title, options.max_minimise_vms, options.seeds, options.max_structural_vms);
        if (!m) return m.error();
        r.vms += m->vms;
        r.minimised = true;
        r.minimise_steps = m->steps;
        r.seed = m->seed;
        r.differences_before = m->differences_before;
        r.differences = m->differences;
        r.structural_exhausted = m->structural_exhausted;
        r.kept = m->kept;
        r.minimised_input = m->input;
        r.minimised_bytes = m->input.size();
        const std::string stem = is_group ? "" : input_path.filename().string() + ".";
        MH_TRY(write_file_atomic(dir / (stem + "minimized.bin"), std::string(m->input.begin(), m->input.end())));
        MH_TRY(write_file_atomic(dir / (stem + "repro.c"), c_reproducer(mutate::decode(m->input), title)));
    }
    r.vms_restored = replay.snapshot ? replay.snapshot->restored() - restored_before : 0;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (is_group) MH_TRY(write_file_atomic(dir / "triage.json", triage_json(r)));
    return r;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TriageResult, expected_title, observed_title, runs, reproduced_runs, minimised,
                                                minimise_steps, input_bytes, minimised_bytes, seed, differences_before, differences,
                                                structural_exhausted, vms, vms_restored, seconds)

std::string triage_json(const TriageResult& r) {
    nlohmann::json j = r;
    j["schema"] = "modharness.triage/1";
    j["reproduces"] = r.reproduces();
    j["at"] = utc_now_iso();
    return j.dump(2) + "\n";
}

Expected<TriageResult> parse_triage_json(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return make_error("triage.json is not a JSON object");
    if (j.value("schema", "") != "modharness.triage/1") return make_error("triage.json: not schema modharness.triage/1");
    try {
        return j.get<TriageResult>();
    } catch (const nlohmann::json::exception& e) {
        return make_error(std::string("triage.json: ") + e.what());
    }
}

}  // namespace mh::campaign
