// Minimal command-line parsing shared by all subcommands: --opt VALUE, --opt=VALUE, --flag, positionals.
#pragma once

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::cli {

// Process exit codes, stable for CI.
enum ExitCode : int {
    kExitOk = 0,
    kExitFindings = 1,  // FAIL, BROK or KERNEL verdicts / a new crash
    kExitUsage = 2,  // bad command line or input file
    kExitEnvironment = 3,  // missing kernel, QEMU, headers, network...
    kExitStorage = 4,  // results could not be stored (disk full, I/O error): stopped, --resume later
    kExitInterrupted = 130,
};

// The one place an error's kind becomes an exit code.
constexpr ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kInput:
        case ErrorKind::kUsage: return kExitUsage;
        case ErrorKind::kEnvironment: return kExitEnvironment;
        case ErrorKind::kStorage: return kExitStorage;
        case ErrorKind::kInterrupted: return kExitInterrupted;
    }
    return kExitEnvironment;
}

// Prints "modharness CMD: MESSAGE" to stderr and returns the error's exit code.
int report_error(const char* command, const Error& error);

// One row of a command's option table: what parse_args accepts and what --help lists come from
// the same row, so an option cannot be accepted without being documented or the other way round.
struct OptionSpec {
    std::string name;  // without leading dashes: "kernel"
    std::string value_name;  // "K" for --kernel K; "" for a flag (which then takes no value)
    std::string help;  // '\n' starts a continuation line; "" = not listed (only --help itself)
    bool repeatable = false;  // values accumulate instead of "given twice"
    std::string alias = {};  // a one-letter short form stored under `name`: "o" for -o, --output

    bool takes_value() const { return !value_name.empty(); }
};

// Reads better in a table row than a bare `true`.
inline constexpr bool kRepeatable = true;

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

// Lists the rows with help, one per option: two spaces, "--name VALUE" (or "-o, --output OUT")
// padded to `column`, the help; continuation lines indented to `column`. A name longer than the
// column gets one space. Commands differ in column (the widths their help always had).
void print_option_help(std::FILE* out, const std::vector<OptionSpec>& specs, std::size_t column = 22);

}  // namespace mh::cli
