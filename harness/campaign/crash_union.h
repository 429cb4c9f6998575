// The crash groups of several campaigns as one index (`modharness fuzz merge`), by culprit: a
// group triage attributed (its culprit.json) joins the groups of other campaigns with the same
// finding id (findings.h), one that was never triaged joins by title.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::campaign {

struct UnionMember {
    std::string campaign;  // the campaign directory
    std::string group;  // its crash group directory name
    std::string title;
    int events = 0;  // crash events of the group in that campaign's index
};

struct UnionEntry {
    std::string id;  // finding id ("loader simplify_symbols kernel/module/main.c:1324"), or "untriaged <title>"
    std::string kind;  // loader, module-code, unattributed, unsymbolized, untriaged
    std::vector<UnionMember> members;
};

// Reads <campaign>/crashes/*/ (title.txt, culprit.json) and crashes/index.jsonl of each campaign.
// A campaign without crashes/ adds nothing; a group without title.txt is an error.
Expected<std::vector<UnionEntry>> union_crashes(const std::vector<std::filesystem::path>& campaigns);

// crashes.json (schema modharness.crash-union/1).
std::string crash_union_json(const std::vector<UnionEntry>& entries);

}  // namespace mh::campaign
