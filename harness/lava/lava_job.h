// A LAVA job definition (YAML) that boots a kernel and a modharness initramfs on LAVA's `qemu`
// device type and turns the executor's per-case console lines into LAVA test cases (a
// `monitors` test action); and a qemu device configuration for running it with `lava-run` on
// this host, without a LAVA server.
#pragma once

#include <string>
#include <vector>

namespace mh::lava {

// The console lines the executor prints with modharness.results=console (harness/executor).
inline constexpr const char* kMonitorStart = "mh-lava: begin";
inline constexpr const char* kMonitorEnd = "mh-lava: end";
inline constexpr const char* kMonitorName = "modharness";

struct JobSpec {
    std::string job_name;
    std::string kernel_url;  // http(s):// or file:// (lava-run on this host)
    std::string ramdisk_url;
    std::string kernel_cmdline;  // with modharness.results=console
    int memory_mb = 1024;
    // QEMU options after LAVA's own (-no-reboot: a guest that ends or panics ends QEMU, instead
    // of booting again and running the cases twice).
    std::vector<std::string> extra_qemu_options = {"-no-reboot"};
    bool no_kvm = false;  // context no_kvm: the lab's device runs TCG
    int boot_minutes = 5;
    int test_minutes = 10;
};

// The job, as YAML text (every scalar quoted).
std::string job_yaml(const JobSpec& spec);

// The monitor's pattern: one LAVA test case per executor line
// "mh-lava: case=<id> result=<pass|fail> errno=<n>" (n: the first caller's errno, 0 = success,
// -1 = no result).
std::string monitor_pattern();

// A device configuration for lava-run on this host: LAVA's qemu device type as a server renders
// it for arch amd64 and the job's context (memory, extra options, no_kvm), with `qemu` as the
// command. (lava-run takes a rendered device; a server renders it from the job's context.)
std::string local_qemu_device_yaml(const JobSpec& spec, const std::string& qemu);

// A YAML double-quoted scalar.
std::string yaml_quote(const std::string& s);

}  // namespace mh::lava
