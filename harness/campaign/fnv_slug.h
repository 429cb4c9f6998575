// A file-system-safe, stable directory name for a crash title: readable prefix + FNV hash.
#pragma once

#include <string>

namespace mh::campaign {

// "general protection fault in mh_paramoops_init" -> "general-protection-fault-in-mh-paramoops-init-1a2b3c4d"
std::string title_slug(const std::string& title);

}  // namespace mh::campaign
