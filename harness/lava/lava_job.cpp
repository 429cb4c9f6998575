#include "harness/lava/lava_job.h"

#include <cstdio>

namespace mh::lava {

std::string yaml_quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

namespace {

// A YAML block sequence of quoted scalars, each item indented by `indent`.
std::string yaml_list(const std::vector<std::string>& items, const std::string& indent) {
    std::string out;
    for (const auto& item : items) out += indent + "- " + yaml_quote(item) + "\n";
    return out;
}

}  // namespace

std::string monitor_pattern() { return "mh-lava: case=(?P<test_case_id>\\S+) result=(?P<result>pass|fail) errno=(?P<measurement>-?\\d+)"; }

std::string job_yaml(const JobSpec& s) {
    auto q = yaml_quote;
    const std::string extra = yaml_list(s.extra_qemu_options, "  ");
    return "# LAVA job written by modharness lava-job: boots the kernel and the modharness initramfs on the\n"
           "# qemu device type; the executor prints one line per case, the monitor makes each a test case.\n"
           "device_type: qemu\n"
           "job_name: " +
           q(s.job_name) +
           "\n"
           "priority: medium\n"
           "visibility: public\n"
           "timeouts:\n"
           "  job:\n"
           "    minutes: " +
           std::to_string(s.boot_minutes + s.test_minutes + 5) +
           "\n"
           "  action:\n"
           "    minutes: " +
           std::to_string(s.test_minutes) +
           "\n"
           "context:\n"
           "  arch: amd64\n"
           "  memory: " +
           std::to_string(s.memory_mb) + "\n" + (s.no_kvm ? "  no_kvm: true\n" : "") + "  extra_options:\n" + extra +
           "actions:\n"
           "- deploy:\n"
           "    to: tmpfs\n"
           "    timeout:\n"
           "      minutes: 5\n"
           "    images:\n"
           "      kernel:\n"
           "        url: " +
           q(s.kernel_url) +
           "\n"
           "        image_arg: " +
           q("-kernel {kernel} -append \"" + s.kernel_cmdline + "\"") +
           "\n"
           "      ramdisk:\n"
           "        url: " +
           q(s.ramdisk_url) +
           "\n"
           "        image_arg: " +
           q("-initrd {ramdisk}") +
           "\n"
           "- boot:\n"
           "    method: qemu\n"
           "    media: tmpfs\n"
           "    timeout:\n"
           "      minutes: " +
           std::to_string(s.boot_minutes) +
           "\n"
           "- test:\n"
           "    timeout:\n"
           "      minutes: " +
           std::to_string(s.test_minutes) +
           "\n"
           "    monitors:\n"
           "    - name: " +
           q(kMonitorName) +
           "\n"
           "      start: " +
           q(kMonitorStart) +
           "\n"
           "      end: " +
           q(kMonitorEnd) +
           "\n"
           "      pattern: " +
           q(monitor_pattern()) +
           "\n"
           "      fixupdict:\n"
           "        pass: pass\n"
           "        fail: fail\n";
}

std::string local_qemu_device_yaml(const JobSpec& s, const std::string& qemu) {
    auto q = yaml_quote;
    const std::string extra = yaml_list(s.extra_qemu_options, "          ");
    return "# A rendered LAVA qemu device (device type qemu, arch amd64) for lava-run on this host,\n"
           "# written by modharness lava-job. A LAVA server renders the same from its qemu.jinja2.\n"
           "constants:\n"
           "  posix:\n"
           "    lava_test_sh_cmd: /bin/sh\n"
           "    lava_test_results_dir: /lava-%s\n"
           "    lava_test_shell_file: ~/.bashrc\n"
           "  shutdown-message: \"The system is going down for reboot NOW\"\n"
           "  kernel-start-message: \"Linux version [0-9]\"\n"
           "  default-shell-prompt: \"lava-test: # \"\n"
           "  spawn_maxread: \"4092\"\n"
           "  failure_retry: 2\n"
           "  boot_retry: 2\n"
           "parameters:\n"
           "  pass:\n"
           "available_architectures:\n"
           "- amd64\n"
           "- x86_64\n"
           "actions:\n"
           "  deploy:\n"
           "    connections:\n"
           "      serial:\n"
           "    methods:\n"
           "      image:\n"
           "        parameters:\n"
           "          guest:\n"
           "            size: 512\n"
           "            interface: ide\n"
           "            driveid: lavatest\n"
           "  boot:\n"
           "    connections:\n"
           "      serial:\n"
           "    methods:\n"
           "      qemu:\n"
           "        parameters:\n"
           "          command: " +
           q(qemu) +
           "\n"
           "          boot_options:\n"
           "            root: /dev/sda1\n"
           "            console: \"ttyS0,115200\"\n"
           "            boot_order: c\n"
           "          options:\n" +
           (s.no_kvm ? "" : "          - \"-cpu host\"\n          - \"-enable-kvm\"\n") +
           "          - \"-nographic\"\n"
           "          - \"-net nic,model=virtio,macaddr=52:54:00:12:34:58 -net user\"\n"
           "          - \"-m " +
           std::to_string(s.memory_mb) +
           "\"\n"
           "          - \"-monitor none\"\n"
           "          extra:\n" +
           extra +
           "timeouts:\n"
           "  actions:\n"
           "    power-off:\n"
           "      seconds: 10\n"
           "    boot-qemu-image:\n"
           "      minutes: " +
           std::to_string(s.boot_minutes) +
           "\n"
           "  connections:\n"
           "    lava-test-shell:\n"
           "      seconds: 10\n";
}

}  // namespace mh::lava
