// The probe boots the real kernel with the real executor under KVM; a hang or failure means TCG.
#include "harness/session/accel_probe.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "harness/common/files.h"
#include "harness/session/batch_runner.h"
#include "harness/host/cache_dir.h"

namespace mh::session {
namespace {

std::string probe_key(const std::filesystem::path& kernel, const std::string& qemu) {
    std::error_code ec;
    auto size = std::filesystem::file_size(kernel, ec);
    auto mtime = std::filesystem::last_write_time(kernel, ec).time_since_epoch().count();
    std::string id = std::filesystem::absolute(kernel, ec).string() + "|" + std::to_string(size) + "|" + std::to_string(mtime) + "|" + qemu;
    char b[16];
    std::snprintf(b, sizeof b, "%08x", static_cast<unsigned>(::crc32_z(0, reinterpret_cast<const Bytef*>(id.data()), id.size())));
    return b;
}

}  // namespace

AccelDecision decide_accel(const std::filesystem::path& kernel, const std::filesystem::path& executor, const std::string& qemu,
                           bool use_cache) {
    AccelDecision d;
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        d.reason = "/dev/kvm not accessible: TCG";
        return d;
    }
    ::close(fd);
    auto dir = host::cache_root() / "accel";
    auto file = dir / (probe_key(kernel, qemu) + ".txt");
    if (use_cache) {
        std::ifstream in(file);
        std::string accel, reason;
        if (in && std::getline(in, accel) && std::getline(in, reason)) {
            d.accel = accel == "kvm" ? vm::Accel::Kvm : vm::Accel::Tcg;
            d.reason = reason + " (cached probe)";
            d.from_cache = true;
            return d;
        }
    }
    auto work = std::filesystem::temp_directory_path() / ("mh-accel-probe-" + std::to_string(::getpid()));
    auto cases = parse_case_text("id=probe call=none image=none\n", "accel-probe");
    BatchInputs inputs;
    inputs.executor = executor;
    auto batch = cases ? build_batch(*cases, inputs, work) : Expected<PreparedBatch>(cases.error());
    if (!batch) {
        d.reason = "probe could not be prepared (" + batch.error().message + "): TCG";
        return d;
    }
    RunnerOptions opt;
    opt.vm.qemu = qemu;
    opt.vm.kernel = kernel;
    opt.vm.accel = vm::Accel::Kvm;
    opt.work_dir = work;
    opt.boot_timeout = std::chrono::seconds(10);
    opt.max_boot_failures = 1;
    bool got = false;
    opt.on_case = [&](const CaseOutcome& co) { got = co.guest.has_value(); };
    auto t0 = std::chrono::steady_clock::now();
    auto stats = run_batch(*batch, opt);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    char buf[128];
    if (stats && got) {
        d.accel = vm::Accel::Kvm;
        std::snprintf(buf, sizeof buf, "KVM guest booted and answered in %.1f s", secs);
    } else {
        std::snprintf(buf, sizeof buf, "KVM guest gave no answer within %.0f s: TCG", secs);
    }
    d.reason = buf;
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
    std::filesystem::create_directories(dir, ec);
    // A cache: when it cannot be written the probe only runs again next time.
    (void)write_file_atomic(file, std::string(vm::accel_name(d.accel)) + "\n" + d.reason + "\n");
    return d;
}

Expected<AccelDecision> accel_from_option(const std::string& option, const std::filesystem::path& kernel,
                                          const std::filesystem::path& executor, const std::string& qemu) {
    if (option == "tcg") return AccelDecision{vm::Accel::Tcg, "--accel tcg", false};
    if (option == "kvm") return AccelDecision{vm::Accel::Kvm, "--accel kvm", false};
    if (option == "auto") return decide_accel(kernel, executor, qemu);
    return usage_error("--accel must be auto, tcg or kvm (got '" + option + "')");
}

}  // namespace mh::session
