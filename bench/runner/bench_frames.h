// One bench VM's frames as a GuestRun: notes, the guest error, the host/guest clock check and the
// Google Benchmark JSON reassembled from its chunks (saved gzipped for --rerender).
#pragma once

#include <filesystem>
#include <string>

#include "bench/report/bench_report.h"
#include "harness/vm/guest_program.h"

namespace mh::bench {

// Writes <dir>/gbench-run<run_index>.json.gz when the JSON is complete. `error` gets the guest's last
// error frame, else why there is no usable JSON (the run then has no series).
GuestRun collect_run(const vm::GuestProgramResult& result, const std::filesystem::path& dir, int run_index, std::string& error);

}  // namespace mh::bench
