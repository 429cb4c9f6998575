// apt-get install for missing build packages (see package_install.h).
#include "harness/kernels/package_install.h"

#include <chrono>
#include <cstdio>

#include "harness/host/process.h"

namespace mh::kernels {
namespace {

// linux-source-6.12 alone is ~150 MB; a slow mirror takes a while.
constexpr std::chrono::minutes kAptInstallTimeout{30};

Expected<host::ProcessResult> run_apt(const std::vector<std::string>& argv, bool verbose) {
    host::ProcessOptions o;
    o.timeout = kAptInstallTimeout;
    o.merge_stderr = true;
    o.echo = verbose;
    o.env_overrides = {"DEBIAN_FRONTEND=noninteractive"};
    return host::run_process(argv, o);
}

}  // namespace

std::vector<std::string> apt_install_argv(const std::vector<std::string>& packages) {
    std::vector<std::string> argv{"apt-get", "install", "-y", "-q", "--no-install-recommends"};
    argv.insert(argv.end(), packages.begin(), packages.end());
    return argv;
}

Status install_debian_packages(const std::vector<std::string>& packages, bool as_root, bool verbose) {
    if (packages.empty()) return ok_status();
    const auto argv = apt_install_argv(packages);
    std::string names;
    for (const auto& p : packages) names += (names.empty() ? "" : " ") + p;
    if (!as_root)
        return environment_error("missing Debian packages: " + names +
                                 "; installing them needs root: run as root: " + host::display_command(argv));
    if (verbose) std::fprintf(stderr, "modharness: installing %s (%s)\n", names.c_str(), host::display_command(argv).c_str());
    auto r = run_apt(argv, verbose);
    if (!r) return environment_error(r.error().message + " (is this a Debian/Ubuntu system with apt?)");
    if (!r->success()) {
        // Stale package lists are the usual reason ("Unable to locate package"): refresh once.
        auto update = run_apt({"apt-get", "update", "-q"}, verbose);
        if (update && update->success()) r = run_apt(argv, verbose);
    }
    if (!r) return environment_error(r.error().message);
    if (!r->success())
        return environment_error("'" + host::display_command(argv) + "' failed (" + r->status_text() + "):\n" +
                                 host::tail_lines(r->out, 8));
    return ok_status();
}

}  // namespace mh::kernels
