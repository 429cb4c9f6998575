// Minimal command-line parsing shared by all subcommands: --opt VALUE, --opt=VALUE, --flag, positionals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::cli {

// Process exit codes, stable for CI.
enum ExitCode : int {
    kExitOk = 0,
    kExitFindings = 1,     // FAIL, BROK or KERNEL verdicts / a new crash
    kExitUsage = 2,        // bad command line or input file
    kExitEnvironment = 3,  // missing kernel, QEMU, headers, network...
    kExitStorage = 4,      // results could not be stored (disk full, I/O error): stopped, --resume later
    kExitInterrupted = 130,
};

struct OptionSpec {
    std::string name;      // without leading dashes: "kernel"
    bool takes_value;      // --kernel X
    bool repeatable = false;
};

struct ParsedArgs {
    std::map<std::string, std::vector<std::string>> options;  // name -> values ("" for flags)
    std::vector<std::string> positionals;

    bool has(const std::string& name) const { return options.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    std::vector<std::string> all(const std::string& name) const;
};

// Parses args against specs; unknown options and missing values are errors naming the option.
Expected<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

}  // namespace mh::cli
