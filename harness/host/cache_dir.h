// Where modharness keeps downloaded kernels, built seed modules and probe results.
#pragma once

#include <filesystem>

namespace mh::host {

// $MH_CACHE_DIR, else $XDG_CACHE_HOME/modharness, else $HOME/.cache/modharness (empty variables
// count as unset). Not created here.
std::filesystem::path cache_root();

}  // namespace mh::host
