// Options shared by the commands that run over a kernel set (matrix, bisect): the case selection,
// the output directory rule, sizes for plans.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "conformance/matrix_run.h"
#include "harness/cli/args.h"
#include "harness/common/expected.h"

namespace mh::cli {

// "123 MiB".
std::string mib(std::uint64_t bytes);

// An OUT that already holds a matrix, a bisect or kernel runs is only continued with --resume.
Status check_out_dir(const std::filesystem::path& out, bool resume);

// --group, --only, --man-page, --conformance-dir and CASEFILE positionals as a selection, checked
// before any kernel is fetched: a typo waits for no download.
Expected<conformance::MatrixSelection> selection_from(const ParsedArgs& p);

// The case a bisect follows exists in the selection (a suite group, or the CASEFILEs), so a typo
// is a usage error before any kernel is fetched.
Status check_case_exists(const conformance::MatrixSelection& sel, const std::string& group, const std::string& id);

}  // namespace mh::cli
