// Signal handlers only store to a lock-free atomic (async-signal-safe).
#include "harness/cli/interrupt.h"

#include <signal.h>

#include "harness/host/process.h"

namespace mh::cli {
namespace {
std::atomic<bool> g_interrupted{false};  // the one global: signal handlers can reach nothing else
void on_signal(int) { g_interrupted.store(true); }
}  // namespace

const std::atomic<bool>* install_interrupt_flag() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
    host::set_default_interrupt_flag(&g_interrupted);  // children started below us stop too
    return &g_interrupted;
}

}  // namespace mh::cli
