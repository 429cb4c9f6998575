// Pure functions that build the QEMU command line and the guest kernel command line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mh::vm {

enum class Accel { Tcg, Kvm };
std::string accel_name(Accel a);

struct VmConfig {
    std::string qemu = "qemu-system-x86_64";
    std::string machine = "microvm";  // "microvm" (fast, default) or "pc"
    Accel accel = Accel::Tcg;
    int memory_mb = 1024;
    int cpus = 1;
    std::filesystem::path kernel;
    std::filesystem::path initrd;
    std::string append;  // kernel command line
    std::filesystem::path console_log;  // ttyS0: kernel console
    std::filesystem::path results_file;  // ttyS1: framed results
    std::vector<std::string> extra_args;  // appended verbatim (user's escape hatch)
    // Snapshot reset (vm/snapshot.h): guest RAM in this file instead of anonymous memory, shared
    // (the VM a snapshot is taken of writes into the file) or private (a restored VM's writes
    // stay its own, copy on write). Empty: anonymous RAM.
    std::filesystem::path ram_file;
    bool ram_shared = false;
    std::string results_socket;  // non-empty: the results UART connects to this abstract socket, not results_file
    std::string qmp_socket;  // non-empty: a QMP monitor connects to this abstract socket
    bool incoming = false;  // -incoming defer: the VM waits to be restored over QMP
    // -fw_cfg name=NAME,file=PATH: files the guest reads by port I/O (a restored guest's work).
    std::vector<std::pair<std::string, std::filesystem::path>> fw_cfg_files;
};

// A value inside a QEMU option list ("file,id=con,path=VALUE"): QEMU splits those at commas and
// reads ",," as one literal comma, so every comma is doubled. Only for such lists: -kernel,
// -initrd and -append take their argument whole.
std::string qemu_option_value(std::string_view value);

// Never includes a network device or a writable host disk: the guest sees only its initramfs.
std::vector<std::string> qemu_argv(const VmConfig& config);

struct GuestCmdline {
    std::string token;  // modharness.guest=
    int start_case = 0;  // modharness.start=
    int stop_case = -1;  // modharness.stop=: cases from here on are not run (-1: run to the end)
    std::optional<long> tsc_khz;  // tsc_early_khz= (TCG boots hang without it on busy hosts)
    bool wait_for_go = false;  // modharness.wait=1: the executor stops at its ready point (a snapshot's VM)
    int loglevel = 5;  // 5: WARNING and worse reach the console, boot chatter does not
    std::vector<std::string> extra;  // e.g. module.sig_enforce=1
};

std::string guest_cmdline(const GuestCmdline& c);

// Host TSC frequency in kHz from /proc/cpuinfo text ("cpu MHz : 2599.998" -> 2599998).
std::optional<long> tsc_khz_from_cpuinfo(const std::string& cpuinfo);
// This host's TSC frequency in kHz (/proc/cpuinfo), for tsc_early_khz=.
std::optional<long> host_tsc_khz();

}  // namespace mh::vm
