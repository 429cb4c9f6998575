// KCIDB (KernelCI's common results database) JSON from a conformance run: schema v5, so results
// can be submitted where many labs already put theirs (`kcidb-submit`, or the KernelCI API).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mh::conformance {

struct KcidbOptions {
    std::string origin = "modharness";  // the submitting CI system: [a-z0-9_]+ (KCIDB's origin pattern)
};

// {"version": {"major": 5, "minor": 0},
//  "checkouts": [the Debian kernel source package of the run's kernel],
//  "builds":    [Debian's packaged build: release, architecture, config name, the CONFIG_ facts],
//  "tests":     [one per case: path modharness.conformance.<group>.<class>.<case>, status, log excerpt],
//  "issues":    [one per distinct kernel report title], "incidents": [each report on its test]}
// Status: PASS->PASS, FAIL->FAIL, KERNEL->FAIL (the kernel faulted), BROK->ERROR (our setup
// failed), CONF->SKIP (the case cannot run on this kernel/config), RAN->DONE (recorded, not judged).
nlohmann::json kcidb_from_run(const nlohmann::json& run, const KcidbOptions& options = {});

// Several runs (two kernels, a matrix) in one submission: objects concatenated, an issue seen in
// several runs listed once.
nlohmann::json kcidb_from_runs(const std::vector<nlohmann::json>& runs, const KcidbOptions& options = {});

// A fuzzing campaign's summary.json (modharness.fuzz-summary/1) as KCIDB: the kernel's checkout
// and build, one test `modharness.fuzz.<engine>` (FAIL when it has crash titles, ERROR when it
// stopped early, else PASS; execs, coverage and VMs in misc), an issue per crash title and an
// incident of each on that test. `started_utc` stamps the test (campaigns resume: one per run).
nlohmann::json kcidb_from_fuzz_summary(const nlohmann::json& summary, const std::string& started_utc, const KcidbOptions& options = {});

// KCIDB's test status for one of our verdicts ("ERROR" for an unknown one).
std::string_view kcidb_status(std::string_view verdict);

// A case id as a KCIDB test path node: [a-zA-Z0-9_-]+ (others, dots included, become '_').
std::string kcidb_path_node(std::string_view text);

// Problems that make `data` invalid KCIDB v5 for the required fields, enums, id and path
// patterns this writer uses (empty when none); the unit tests check every output with it.
std::vector<std::string> kcidb_problems(const nlohmann::json& data);

}  // namespace mh::conformance
