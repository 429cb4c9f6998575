// Options shared by every command that boots VMs (run, conform, bench...): kernel, accelerator, output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/cli/args.h"
#include "harness/session/run_session.h"
#include "harness/session/shard.h"

namespace mh::cli {

// The session options' rows (with their help); a command appends its own rows and lists the
// whole table with print_option_help (column 22).
std::vector<OptionSpec> session_option_specs();
// `command` names the default output directory: mh-results/<command>-<UTC time>.
Expected<session::SessionOptions> session_options_from(const ParsedArgs& p, const std::string& command);

// --shard I/N, else GoogleTest's sharding variables (a CI matrix sets them for every step);
// nullopt when neither is given.
Expected<std::optional<session::Shard>> shard_option(const ParsedArgs& p);

}  // namespace mh::cli
