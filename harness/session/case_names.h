// The names case lines refer to (seed modules, malformations), checked before the kernel is
// resolved: a typo in a case file is a usage error (exit 2) before any download or VM boot.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/session/host_case.h"

namespace mh::session {

// Every seed:NAME names a catalogue seed (or big_<size>) and every malform= id is one
// `known_malformation` accepts (empty: the ELF catalogue); else a usage error naming the case (file:line), the name and
// the valid names (similar malformation ids, and where the whole catalogue is listed).
Status check_case_names(const std::vector<HostCase>& cases, const std::function<bool(const std::string&)>& known_malformation);

}  // namespace mh::session
