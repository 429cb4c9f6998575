// Parsing of the VM session options.
#include "harness/cli/run_options.h"

#include <cstdlib>
#include <ctime>

#include "harness/cli/number_option.h"
#include "harness/cli/reset_options.h"
#include "harness/host/cache_dir.h"
#include "harness/kernels/seed_modules.h"

namespace mh::cli {
namespace {

// Guest memory a VM can boot with (the initramfs holds every image) up to what QEMU is sensibly given.
constexpr int kMinMemoryMb = 128;
constexpr int kMaxMemoryMb = 65536;
constexpr int kMaxBootTimeoutSeconds = 3600;

}  // namespace

std::vector<OptionSpec> session_option_specs() {
    std::vector<OptionSpec> specs = {
        {"kernel", "K",
         "debian-6.1-cloud (default), debian-6.12-cloud, debian-6.1, debian-6.12,\n"
         "a Debian package name, or a path to your own bzImage"},
        {"build-tree", "DIR", "kernel build tree for seed module builds (with a bzImage path)"},
        {"accel", "A", "auto (default: KVM only if a probe guest boots on it), tcg, kvm"},
        {"machine", "M", "microvm (default) or pc"},
        {"memory", "MB", "guest memory, 128..65536 (default 1024)"},
        {"qemu", "PATH", "QEMU binary (default qemu-system-x86_64)"},
        {"cmdline", "WORD", "extra guest kernel command-line word (repeatable), e.g. module.sig_enforce=1", kRepeatable},
        {"out", "DIR", "output directory (default mh-results/<command>-<UTC time>)"},
        {"no-fetch", "", "never download a kernel; fail if it is not cached"},
        {"boot-timeout", "S", "seconds a VM may take to reach the executor, 1..3600 (default 60)"},
        {"vms", "N",
         "VMs side by side, 1..16 (default 1): each runs a contiguous share of the\n"
         "cases, restored from one snapshot; results and reports are as with one VM"},
        {"resume", "",
         "continue an interrupted run in --out DIR: cases already in its results.jsonl\n"
         "are kept and not run again; the report covers every case once"},
        {"min-free", "SIZE",
         "stop cleanly (exit 4) when --out has less free space than SIZE, checked\n"
         "before each VM boots and while it runs (default 1M; 0 = never)"},
    };
    for (auto& o : reset_option_specs("each VM")) specs.push_back(std::move(o));
    return specs;
}

Expected<session::SessionOptions> session_options_from(const ParsedArgs& p, const std::string& command) {
    session::SessionOptions o;
    o.kernel = p.get_or("kernel", o.kernel);
    o.build_tree = p.get_or("build-tree", "");
    o.accel = p.get_or("accel", o.accel);
    if (o.accel != "auto" && o.accel != "tcg" && o.accel != "kvm")
        return usage_error("--accel must be auto, tcg or kvm (got '" + o.accel + "')");
    o.machine = p.get_or("machine", o.machine);
    if (o.machine != "microvm" && o.machine != "pc") return usage_error("--machine must be microvm or pc (got '" + o.machine + "')");
    MH_TRY_ASSIGN(memory, number_option(p, "memory", o.memory_mb, kMinMemoryMb, kMaxMemoryMb));
    o.memory_mb = memory;
    o.qemu = p.get_or("qemu", o.qemu);
    o.guest_cmdline_extra = p.all("cmdline");
    o.fetch = !p.has("no-fetch");
    o.resume = p.has("resume");
    if (o.resume && !p.has("out")) return usage_error("--resume needs the --out DIR of the run to continue");
    MH_TRY_ASSIGN(boot_timeout, number_option(p, "boot-timeout", static_cast<int>(o.boot_timeout.count()), 1, kMaxBootTimeoutSeconds));
    o.boot_timeout = std::chrono::seconds(boot_timeout);
    MH_TRY_ASSIGN(vms, number_option(p, "vms", o.parallel_vms, 1, 16));
    o.parallel_vms = vms;
    MH_TRY_ASSIGN(reset, reset_choice(p));
    o.reset = reset.snapshot ? session::Reset::Snapshot : session::Reset::Boot;
    o.snapshot_cache = reset.snapshot_cache;
    if (auto m = p.get("min-free")) {
        auto bytes = kernels::parse_size(*m);
        if (!bytes) return usage_error("--min-free: " + bytes.error().message);
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

Expected<std::optional<session::Shard>> shard_option(const ParsedArgs& p) {
    if (auto text = p.get("shard")) {
        MH_TRY_ASSIGN(shard, session::parse_shard(*text));
        return std::optional<session::Shard>(shard);
    }
    return session::shard_from_environment(+[](const char* name) -> const char* { return std::getenv(name); });
}

}  // namespace mh::cli
