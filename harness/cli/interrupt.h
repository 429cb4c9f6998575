// Ctrl-C / SIGTERM as a flag the long-running loops poll, so they stop cleanly and keep results.
#pragma once

#include <atomic>

namespace mh::cli {

// Installs SIGINT/SIGTERM/SIGHUP handlers once and returns the flag they set.
const std::atomic<bool>* install_interrupt_flag();

}  // namespace mh::cli
