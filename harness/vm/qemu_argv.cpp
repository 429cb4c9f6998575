// QEMU and guest command lines; see DESIGN.md "Facts about the machines" for why each word is there.
#include "harness/vm/qemu_argv.h"

#include <cmath>
#include <cstdlib>

#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::vm {

std::string accel_name(Accel a) { return a == Accel::Kvm ? "kvm" : "tcg"; }

std::string qemu_option_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char ch : value) {
        out += ch;
        if (ch == ',') out += ',';
    }
    return out;
}

std::vector<std::string> qemu_argv(const VmConfig& c) {
    std::vector<std::string> a = {c.qemu};
    if (c.machine == "microvm") {
        // No ACPI/PCI/RTC firmware work: the fastest boot under TCG.
        a.insert(a.end(), {"-M", "microvm,x-option-roms=off,isa-serial=on,rtc=on"});
    } else {
        a.insert(a.end(), {"-M", c.machine});
    }
    a.insert(a.end(), {"-accel", accel_name(c.accel)});
    if (c.accel == Accel::Kvm) a.insert(a.end(), {"-cpu", "host"});
    a.insert(a.end(), {"-m", std::to_string(c.memory_mb), "-smp", std::to_string(c.cpus)});
    if (!c.ram_file.empty()) {
        a.insert(a.end(), {"-object",
                           "memory-backend-file,id=mh-ram,size=" + std::to_string(c.memory_mb) +
                               "M,mem-path=" + qemu_option_value(c.ram_file.string()) + ",share=" + (c.ram_shared ? "on" : "off"),
                           "-machine", "memory-backend=mh-ram"});
    }
    a.insert(a.end(), {"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"});
    // No network and no host filesystem: the initramfs is the guest's whole world.
    a.insert(a.end(), {"-net", "none"});
    a.insert(a.end(), {"-kernel", c.kernel.string(), "-initrd", c.initrd.string(), "-append", c.append});
    a.insert(a.end(), {"-chardev", "file,id=con,path=" + qemu_option_value(c.console_log.string()), "-serial", "chardev:con"});
    // A second UART only for results, so console floods and oopses can't corrupt them.
    const std::string results = c.results_socket.empty() ? "file,id=res,path=" + qemu_option_value(c.results_file.string())
                                                         : "socket,id=res,abstract=on,path=" + qemu_option_value(c.results_socket);
    a.insert(a.end(), {"-chardev", results, "-device", "isa-serial,chardev=res,iobase=0x2f8,irq=3"});
    if (!c.qmp_socket.empty())
        a.insert(a.end(), {"-chardev", "socket,id=mh-qmp,abstract=on,path=" + qemu_option_value(c.qmp_socket), "-mon",
                           "chardev=mh-qmp,mode=control"});
    if (c.incoming) a.insert(a.end(), {"-incoming", "defer"});
    for (const auto& [name, file] : c.fw_cfg_files)
        a.insert(a.end(), {"-fw_cfg", "name=" + qemu_option_value(name) + ",file=" + qemu_option_value(file.string())});
    a.insert(a.end(), c.extra_args.begin(), c.extra_args.end());
    return a;
}

std::string guest_cmdline(const GuestCmdline& c) {
    // reboot=t + panic=-1 with -no-reboot: every way the guest ends makes QEMU exit.
    std::string out = "console=ttyS0 reboot=t panic=-1 loglevel=" + std::to_string(c.loglevel);
    if (c.tsc_khz) out += " tsc_early_khz=" + std::to_string(*c.tsc_khz);
    // Under TCG on a busy host the clocksource watchdog can declare the TSC unstable and fall back
    // to jiffies (4 ms steps): every duration we record would lose its precision.
    out += " tsc=reliable";
    out += " modharness.guest=" + c.token;
    if (c.start_case) out += " modharness.start=" + std::to_string(c.start_case);
    if (c.stop_case >= 0) out += " modharness.stop=" + std::to_string(c.stop_case);
    if (c.wait_for_go) out += " modharness.wait=1";
    for (const auto& e : c.extra) out += " " + e;
    return out;
}

std::optional<long> tsc_khz_from_cpuinfo(const std::string& cpuinfo) {
    for (auto [text, number] : lines(cpuinfo)) {
        if (text.rfind("cpu MHz", 0) != 0) continue;
        const std::string line(text);  // strtod needs the NUL at the line's end
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        char* end = nullptr;
        double mhz = std::strtod(line.c_str() + colon + 1, &end);
        if (end == line.c_str() + colon + 1 || mhz <= 0) continue;
        return std::lround(mhz * 1000.0);
    }
    return std::nullopt;
}

std::optional<long> host_tsc_khz() { return tsc_khz_from_cpuinfo(read_text_file("/proc/cpuinfo").value_or("")); }

}  // namespace mh::vm
