// Parsing of the VM session options.
#include "harness/cli/run_options.h"

#include <ctime>

#include "harness/kernels/seed_modules.h"

namespace mh::cli {

std::vector<OptionSpec> session_option_specs() {
    return {
        {"kernel", "K",
         "debian-6.1-cloud (default), debian-6.12-cloud, debian-6.1, debian-6.12,\n"
         "a Debian package name, or a path to your own bzImage"},
        {"build-tree", "DIR", "kernel build tree for seed module builds (with a bzImage path)"},
        {"accel", "A", "auto (default: KVM only if a probe guest boots on it), tcg, kvm"},
        {"machine", "M", "microvm (default) or pc"},
        {"memory", "MB", "guest memory (default 1024)"},
        {"qemu", "PATH", "QEMU binary (default qemu-system-x86_64)"},
        {"cmdline", "WORD", "extra guest kernel command-line word (repeatable), e.g. module.sig_enforce=1", kRepeatable},
        {"out", "DIR", "output directory (default mh-results/<command>-<UTC time>)"},
        {"no-fetch", "", "never download a kernel; fail if it is not cached"},
        {"boot-timeout", "S", "seconds a VM may take to reach the executor (default 60)"},
        {"resume", "",
         "continue an interrupted run in --out DIR: cases already in its results.jsonl\n"
         "are kept and not run again; the report covers every case once"},
        {"min-free", "SIZE",
         "stop cleanly (exit 4) when --out has less free space than SIZE, checked\n"
         "before each VM boots and while it runs (default 1M; 0 = never)"},
    };
}

Expected<session::SessionOptions> session_options_from(const ParsedArgs& p, const std::string& command) {
    session::SessionOptions o;
    o.kernel = p.get_or("kernel", o.kernel);
    o.build_tree = p.get_or("build-tree", "");
    o.accel = p.get_or("accel", o.accel);
    if (o.accel != "auto" && o.accel != "tcg" && o.accel != "kvm") return make_error("--accel must be auto, tcg or kvm");
    o.machine = p.get_or("machine", o.machine);
    if (o.machine != "microvm" && o.machine != "pc") return make_error("--machine must be microvm or pc");
    if (auto m = p.get("memory")) {
        try {
            o.memory_mb = std::stoi(*m);
        } catch (...) {
            return make_error("--memory must be a number of MiB");
        }
        if (o.memory_mb < 128 || o.memory_mb > 65536) return make_error("--memory must be 128..65536 MiB");
    }
    o.qemu = p.get_or("qemu", o.qemu);
    o.guest_cmdline_extra = p.all("cmdline");
    o.fetch = !p.has("no-fetch");
    o.resume = p.has("resume");
    if (o.resume && !p.has("out")) return make_error("--resume needs the --out DIR of the run to continue");
    if (auto b = p.get("boot-timeout")) {
        try {
            o.boot_timeout = std::chrono::seconds(std::stoi(*b));
        } catch (...) {
            return make_error("--boot-timeout must be a number of seconds");
        }
    }
    if (auto m = p.get("min-free")) {
        auto bytes = kernels::parse_size(*m);
        if (!bytes) return make_error("--min-free: " + bytes.error().message);
        o.min_free_bytes = *bytes;
    }
    if (auto out = p.get("out")) {
        o.out_dir = *out;
    } else {
        char stamp[32];
        std::time_t t = std::time(nullptr);
        std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&t));
        o.out_dir = std::filesystem::path("mh-results") / (command + "-" + stamp);
    }
    return o;
}

}  // namespace mh::cli
