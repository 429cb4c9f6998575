// Options shared by every command that boots VMs (run, conform, bench...): kernel, accelerator, output.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "harness/cli/args.h"
#include "harness/session/run_session.h"

namespace mh::cli {

std::vector<OptionSpec> session_option_specs();
void print_session_option_help(std::FILE* out);
// `command` names the default output directory: mh-results/<command>-<UTC time>.
Expected<session::SessionOptions> session_options_from(const ParsedArgs& p, const std::string& command);

}  // namespace mh::cli
