// `--kcidb FILE`, shared by the commands whose results KernelCI can take (conform, matrix, fuzz).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/cli/args.h"
#include "harness/common/expected.h"

namespace mh::cli {

// The option, with what the command writes into it.
OptionSpec kcidb_option_spec(const std::string& what);
// The help of conform and matrix: conformance runs.
inline constexpr const char* kKcidbRunsHelp =
    "also write the run(s) as KernelCI KCIDB JSON (schema v5: checkout, build, one test per case, issues and incidents for "
    "kernel reports), for kcidb-submit";

// Before any work: FILE's directory exists and FILE is not a directory (usage error otherwise),
// so a long run does not end in a write that cannot succeed.
Status check_kcidb_target(const std::string& file);

// Writes a KCIDB submission (conformance/report/kcidb.h) to `file` and prints "kcidb: FILE (N tests)".
Status write_kcidb(const std::string& file, const nlohmann::json& data);

}  // namespace mh::cli
