// `--kcidb FILE`, shared by the commands whose runs KernelCI can take (conform, matrix).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/args.h"
#include "harness/common/expected.h"

namespace mh::cli {

OptionSpec kcidb_option_spec();

// Writes `runs` (conformance.json objects) as one KCIDB v5 submission to `file` and prints
// "kcidb: FILE (N tests)".
Status write_kcidb(const std::string& file, const std::vector<nlohmann::json>& runs);

}  // namespace mh::cli
