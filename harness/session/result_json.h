// The stable, versioned JSON form of one case result (one line of results.jsonl).
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "harness/session/batch_runner.h"
#include "harness/session/host_case.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::session {

inline constexpr const char* kResultSchema = "modharness.result/1";
inline constexpr const char* kEventSchema = "modharness.event/1";

nlohmann::json result_to_json(const HostCase& hc, const CaseOutcome& co, const kernels::Kernel& kernel);
// The results.jsonl line of a case: result_to_json serialised (never throws on odd bytes).
std::string result_line(const HostCase& hc, const CaseOutcome& co, const kernels::Kernel& kernel);

// The outcome part back from a result line (for --resume: cases already recorded are not rerun).
// Inputs are not reconstructed; the caller pairs the outcome with its HostCase by id.
Expected<CaseOutcome> outcome_from_json(const nlohmann::json& j);

// The results.jsonl line of a session event (a kernel report between cases), and back.
nlohmann::json event_to_json(const SessionEvent& ev, const kernels::Kernel& kernel);
// How a batch's VMs started, for a report's group entry: {"reset": "snapshot"|"boot",
// "vms_restored", "snapshots" (taken), "snapshots_cached" (found in the snapshot cache),
// "snapshot_seconds" (taking it, or looking it up), "snapshot_fallback"} (the last only when it
// fell back).
nlohmann::json reset_to_json(const BatchStats& stats);
std::string event_line(const SessionEvent& ev, const kernels::Kernel& kernel);
Expected<SessionEvent> event_from_json(const nlohmann::json& j);

// Reads a results.jsonl written by an interrupted run: every complete, parseable line with a
// known schema, keyed by case id, and the session events. A torn last line (power cut mid-write) is cut off the file so
// appending continues on a clean line; `dropped` counts lines that could not be used.
struct RecordedResults {
    std::map<std::string, CaseOutcome> by_id;
    std::map<std::string, std::string> input_hash;  // id -> the record's input_hash ("" if none)
    std::map<std::string, std::string> kernel_release;  // id -> the record's kernel.release
    std::vector<SessionEvent> events;
    size_t dropped = 0;
};
Expected<RecordedResults> read_recorded_results(const std::filesystem::path& results_file);
// The parsing half of read_recorded_results, on text: lines that are not valid records and an
// unterminated last line are counted in `dropped`; a later line of the same id wins.
RecordedResults parse_recorded_results(std::string_view text);

}  // namespace mh::session
