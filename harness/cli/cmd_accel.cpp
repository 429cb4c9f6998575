// `modharness accel`: show which accelerator runs would use for a kernel, probing if needed.
#include <cstdio>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/session/accel_probe.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/session/run_session.h"

namespace mh::cli {
namespace {

std::vector<OptionSpec> accel_options() {
    return {
        {"kernel", "K", "the kernel to probe with (default debian-6.1-cloud; fetched if not cached)"},
        {"qemu", "PATH", "QEMU binary (default qemu-system-x86_64)"},
        {"reprobe", "", "probe again instead of using the cached answer"},
        {"help", "", ""},
    };
}

}  // namespace

int cmd_accel(const Args& args) {
    const auto specs = accel_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("accel", p.error());
    if (p->has("help")) {
        std::fputs(
            "usage: modharness accel [--kernel K] [--qemu PATH] [--reprobe]\n\n"
            "Decides between KVM and TCG for kernel K the way every run does: KVM is used only when\n"
            "/dev/kvm opens and a probe guest (this kernel + the real executor) boots and answers\n"
            "within 10 s. Some hosts expose a /dev/kvm on which stock kernels hang; the probe catches\n"
            "that once and caches the answer under the cache directory (--reprobe ignores the cache).\n"
            "\n"
            "options:\n",
            stdout);
        print_option_help(stdout, specs);
        return kExitOk;
    }
    // Ctrl-C stops a kernel download (its process group) and exits 130.
    const auto interrupted = install_interrupt_flag();
    auto k = kernels::resolve_kernel(p->get_or("kernel", "debian-6.1-cloud"), true);
    if (!k) return report_error("accel", k.error());
    auto d =
        session::decide_accel(k->bzimage, session::default_executor_path(), p->get_or("qemu", "qemu-system-x86_64"), !p->has("reprobe"));
    if (interrupted->load()) return report_error("accel", interrupted_error("interrupted (after the probe, which is at most 10 s)"));
    std::printf("%s: %s\n", vm::accel_name(d.accel).c_str(), d.reason.c_str());
    return kExitOk;
}

}  // namespace mh::cli
