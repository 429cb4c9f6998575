// The conformance groups file (conformance/groups.txt): which case sources run under which guest command line.
#pragma once

#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::conformance {

struct GroupDef {
    std::string name;  // also the group's directory under --out
    std::vector<std::string> cmdline;  // extra guest kernel command-line words
    std::vector<std::string> sources;  // case files, or "@malformations"
};

// Errors name source_name:line.
Expected<std::vector<GroupDef>> parse_groups(const std::string& text, const std::string& source_name);

}  // namespace mh::conformance
