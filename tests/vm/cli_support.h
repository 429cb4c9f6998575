// Helpers for VM tests that drive the real modharness CLI: spawn, wait, read results.jsonl, find QEMUs.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mh::vmtest {

// The modharness binary of the build under test ($MH_BUILD_DIR/harness/cli/modharness).
std::string modharness();

// Starts argv with stdout+stderr to `log`; returns the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);
// Waits for `pid`: its exit code, or 128 + signal.
int wait_exit(pid_t pid);

// Every line of dir/results.jsonl, parsed (a line that does not parse fails the calling test).
std::vector<nlohmann::json> results(const std::filesystem::path& dir);
// Waits until dir/results.jsonl has at least n lines; false when `seconds` pass first.
bool wait_for_results(const std::filesystem::path& dir, size_t n, int seconds);

// QEMU processes whose command line mentions `needle` (an output directory).
std::vector<pid_t> qemu_pids(const std::string& needle);

// An empty directory under the temp dir, named after the test; removed when the test passes.
std::filesystem::path fresh_dir(const std::string& name);
// Registers `dir` for removal when the running test passes (kept when it fails, or with
// MH_KEEP_TEST_DIRS=1); returns it.
std::filesystem::path scratch_dir(const std::filesystem::path& dir);
// `n` sentinel cases c0..c<n-1>, alternating finit and init.
void write_cases(const std::filesystem::path& file, int n);
// The whole file ("" if missing).
std::string read_text(const std::filesystem::path& file);
// The file as JSON (a file that does not parse fails the calling test; then null).
nlohmann::json read_json(const std::filesystem::path& file);
// results.jsonl of `dir` holds each of c0..c<n-1> exactly once (gtest expectations).
void expect_each_once(const std::filesystem::path& dir, int n);

}  // namespace mh::vmtest
