// Installing the Debian packages a build needs (apt-get install, as root), as scripts/setup.sh does.
#pragma once

#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::kernels {

// `apt-get install -y -q --no-install-recommends PACKAGES...`
std::vector<std::string> apt_install_argv(const std::vector<std::string>& packages);

// Installs `packages` with apt when `as_root` (after an `apt-get update` if the first try fails);
// otherwise an environment error that names the packages and the command to run as root.
// `verbose` echoes apt's output. Nothing to install is success.
Status install_debian_packages(const std::vector<std::string>& packages, bool as_root, bool verbose);

}  // namespace mh::kernels
