// Coverage of the loader's KCOV sites by a set of reached PCs: totals, per-file and per-function tables, text and JSON.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "harness/coverage/coverage_pcs.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

inline constexpr const char* kCoverageJsonSchema = "modharness.coverage/1";

struct CoverageRow {
    std::string file;  // "kernel/module/main.c"
    std::string function;  // empty in the per-file table
    int sites = 0;
    int reached = 0;
    int boot_only = 0;  // of `sites`, in __init code
    int first_line = 0;  // smallest attributed line (0: unknown), for links into the source
    int missed() const { return sites - reached; }
    double percent() const { return sites ? 100.0 * reached / sites : 0.0; }
};

struct CoverageReport {
    std::string build_tree;
    int sites = 0;  // the ceiling: every mapped loader site
    int reached = 0;
    int boot_only = 0;  // of `sites`, in __init code (a fuzzer cannot reach them)
    // Calls count_kcov_sites counts that are not sites (see LoaderSites): the ceiling plus these
    // two is count_kcov_sites' total.
    int tail_calls = 0;
    int constructor_calls = 0;
    std::size_t pcs = 0;  // distinct PCs given
    std::size_t pcs_elsewhere = 0;  // of those, not a loader site (the rest of the kernel)
    std::vector<CoverageRow> files;  // sorted by file
    std::vector<CoverageRow> functions;  // most missed sites first, then file, then function
    double percent() const { return sites ? 100.0 * reached / sites : 0.0; }
};

// Every site is attributed to LoaderSite::attributed() (function, file, line); a site is reached
// when its pc is in `reached`.
CoverageReport coverage_report(const LoaderSites& sites, const PcSet& reached);

// Sites and reached sites per attributed source line (file -> line -> counts; line 0 left out).
struct LineCoverage {
    int sites = 0;
    int reached = 0;
};
std::map<std::string, std::map<int, LineCoverage>> line_coverage(const LoaderSites& sites, const PcSet& reached);

// The summary and both tables for a terminal. max_functions > 0 keeps that many function rows
// (the most-missed ones) and says how many were left out.
std::string coverage_text(const CoverageReport& report, std::size_t max_functions = 0);

// Schema modharness.coverage/1: totals, files, functions, and every site with its pc, source
// place and whether it was reached.
std::string coverage_json(const CoverageReport& report, const LoaderSites& sites, const PcSet& reached);

}  // namespace mh::coverage
