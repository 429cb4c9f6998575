// The conformance suite: groups of cases (hand-written + generated from the malformation
// catalogue), judged against the contract for the kernel under test, written as one run JSON.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/contract.h"
#include "conformance/groups.h"
#include "harness/common/expected.h"
#include "harness/session/host_case.h"
#include "harness/session/run_session.h"
#include "harness/session/shard.h"

namespace mh::conformance {

// Per-case conformance facts kept beside the HostCase.
struct CaseMeta {
    std::string class_id;
    std::string malformation;  // for generated cases
    bool generated = false;
};

struct GroupCases {
    std::vector<session::HostCase> cases;
    std::vector<CaseMeta> meta;  // same order
};

// Cases of one group, in run order; ids are unique across the group.
Expected<GroupCases> build_group_cases(const GroupDef& group, const std::filesystem::path& conformance_dir);

// The cases generated from the malformation catalogue (every row with a contract class except
// fuzz-only and R7 rows, whose effect is memory corruption rather than an errno).
GroupCases malformation_cases();

// The class a case is judged under once its image size is known (e.g. an init_module image
// shorter than 64 bytes is B1 whatever malformation made it).
std::string effective_class(const session::HostCase& hc, const CaseMeta& meta);

struct SuiteOptions {
    session::SessionOptions session;  // kernel, accel, out_dir (the run directory)...
    std::filesystem::path conformance_dir;  // contract.txt, groups.txt, cases/
    std::vector<std::string> only_groups;  // empty = all
    std::string case_filter;  // comma list: case id substrings or classes ("" = all)
    session::Shard shard;  // 1/1: the whole selection
    std::function<double(const std::string& group, const std::string& id)> case_cost;  // for the shard cut (default 1 each)
    std::string man_page;  // man_pages.txt page to score against ("" = the page of the kernel's distribution)
    std::function<void(const std::string&)> on_progress;
};

// Runs every group and returns the run JSON (also written to out_dir/conformance.json, rewritten
// after each group so an interrupted suite still leaves a readable run).
Expected<nlohmann::json> run_suite(const SuiteOptions& options);

// Which of the contract and the man page the observed results (one, or one per concurrent
// caller) all agree with: both, code, man, neither; "undocumented" when the page says nothing
// about the input (`man` empty); "-" without a result.
std::string followed(const ErrnoSet& code, const std::vector<int>& man, const std::vector<int>& gots);

// The man page a run is scored against: the one named (an unknown name is a usage error that lists
// the pages), else the page of the kernel's distribution (kernels::debian_release_of), else the
// page for every other kernel. JSON for conformance.json's "man_page": name, title, why.
Expected<nlohmann::json> choose_man_page(const ManPages& m, const std::string& requested, const std::string& kernel_release);

std::filesystem::path default_conformance_dir();

}  // namespace mh::conformance
