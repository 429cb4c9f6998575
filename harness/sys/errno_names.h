// Errno <-> symbolic name ("ENOEXEC"), the form used in case files, contracts and reports.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mh::sys {

// "ENOEXEC" for 8; "E<n>" for numbers without a name; "0" for 0.
std::string errno_name(int err);
// Accepts "ENOEXEC", "8", "0"; nullopt for unknown names.
std::optional<int> errno_from_name(std::string_view name);

}  // namespace mh::sys
