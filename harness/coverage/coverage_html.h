// The loader coverage report as one self-contained HTML page, with the loader's sources coloured line by line.
#pragma once

#include <string>

#include "harness/coverage/coverage_pcs.h"
#include "harness/coverage/coverage_report.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

// Summary, the per-file and per-function tables (functions link to their first site line), then
// every kernel/module/ source file that has sites, read from sites.build_tree: lines whose sites
// were all reached green, some reached amber, none red, lines without a site plain; the gutter
// shows reached/sites. Inline CSS, no scripts, no external assets. A source file that cannot be
// read is noted on the page rather than failing it.
std::string coverage_html(const CoverageReport& report, const LoaderSites& sites, const PcSet& reached);

}  // namespace mh::coverage
