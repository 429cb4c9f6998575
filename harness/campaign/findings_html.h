// findings.html: the triaged findings of a campaign as one self-contained page (inline CSS, no
// scripts), for a CI artifact or a bug tracker attachment.
#pragma once

#include <string>

#include "harness/campaign/findings.h"

namespace mh::campaign {

std::string findings_html(const Findings& f);

}  // namespace mh::campaign
