// Class coverage: every class of contract.md §3 has cases in the suite, or a line in the contract's
// "not covered, because…" table (uncovered).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "conformance/contract.h"
#include "harness/common/expected.h"

namespace mh::conformance {

struct ClassCoverage {
    std::string id;
    std::string section;  // of contract.md §3, from the contract's spec lines
    int cases = 0;  // cases of every group whose class this is
    const UncoveredClass* uncovered = nullptr;
};

struct CoverageReport {
    std::vector<ClassCoverage> classes;  // spec order
    std::vector<std::string> problems;  // empty when every class is covered or explained
};

// Counts the cases of every group (groups.txt, the case files, the malformation catalogue) per
// class and checks the contract's spec lines: a class with no case needs an uncovered line, an
// uncovered class must have no case, and an uncovered line must name a class of §3.
Expected<CoverageReport> class_coverage(const Contract& contract, const std::filesystem::path& conformance_dir);

// The classes contract.md's §3 tables list ("| P1 | ..." rows under "### 3.N" headings, up to the
// next "## "), per subsection in order: what the spec lines must equal when the document is at hand.
std::vector<SpecSection> section3_classes(const std::string& contract_md);

}  // namespace mh::conformance
