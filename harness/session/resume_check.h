// The checks that keep one results.jsonl about one kernel and one set of inputs: unique case ids
// and, for --resume, records from the same kernel release. (Edited cases are found when the
// batch is built: build_batch compares each case's input_hash with its record's.)
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/kernels/kernel_cache.h"
#include "harness/session/host_case.h"
#include "harness/session/result_json.h"

namespace mh::session {

// "duplicate case id 'x' (a.cases:3 and b.cases:7): ..." for the first id seen twice, across all
// the case files of a run; nothing when every id is unique.
std::optional<std::string> duplicate_id(const std::vector<HostCase>& cases);

// Why these records cannot be resumed on `kernel` (one was recorded on another release), or nothing.
std::optional<std::string> recorded_on_other_kernel(const RecordedResults& recorded, const kernels::Kernel& kernel,
                                                    const std::filesystem::path& results_file);

}  // namespace mh::session
