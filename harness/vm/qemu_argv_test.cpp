// QEMU argv and guest command line: the words that make boots fast, safe and always terminate.
#include "harness/vm/qemu_argv.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace mh;
using namespace mh::vm;

namespace {
bool has_pair(const std::vector<std::string>& a, const std::string& k, const std::string& v) {
    for (size_t i = 0; i + 1 < a.size(); ++i)
        if (a[i] == k && a[i + 1] == v) return true;
    return false;
}
bool contains(const std::vector<std::string>& a, const std::string& s) { return std::find(a.begin(), a.end(), s) != a.end(); }
}  // namespace

TEST(QemuArgv, MicrovmTcgDefaults) {
    VmConfig c;
    c.kernel = "/k/vmlinuz";
    c.initrd = "/tmp/i.cpio";
    c.append = "console=ttyS0";
    c.console_log = "/tmp/con.log";
    c.results_file = "/tmp/res.bin";
    auto a = qemu_argv(c);
    EXPECT_EQ(a[0], "qemu-system-x86_64");
    EXPECT_TRUE(has_pair(a, "-accel", "tcg"));
    EXPECT_TRUE(has_pair(a, "-kernel", "/k/vmlinuz"));
    EXPECT_TRUE(has_pair(a, "-initrd", "/tmp/i.cpio"));
    EXPECT_TRUE(has_pair(a, "-append", "console=ttyS0"));
    EXPECT_TRUE(has_pair(a, "-m", "1024"));
    EXPECT_TRUE(has_pair(a, "-net", "none"));
    EXPECT_TRUE(contains(a, "-no-reboot"));
    EXPECT_TRUE(contains(a, "-nodefaults"));
    EXPECT_TRUE(has_pair(a, "-chardev", "file,id=con,path=/tmp/con.log"));
    EXPECT_TRUE(has_pair(a, "-chardev", "file,id=res,path=/tmp/res.bin"));
    EXPECT_TRUE(has_pair(a, "-device", "isa-serial,chardev=res,iobase=0x2f8,irq=3"));
    EXPECT_FALSE(contains(a, "-cpu"));
    // Nothing that gives the guest a disk, a share or a network.
    for (const auto& w : a) {
        EXPECT_EQ(w.find("-drive"), std::string::npos);
        EXPECT_EQ(w.find("virtfs"), std::string::npos);
        EXPECT_EQ(w.find("netdev"), std::string::npos);
    }
    ASSERT_GE(a.size(), 3u);
    EXPECT_EQ(a[2].rfind("microvm", 0), 0u);
}

TEST(QemuArgv, CommasInOptionValuesAreDoubled) {
    EXPECT_EQ(qemu_option_value("/tmp/plain/con.log"), "/tmp/plain/con.log");
    EXPECT_EQ(qemu_option_value("/tmp/a,b/con.log"), "/tmp/a,,b/con.log");
    EXPECT_EQ(qemu_option_value(",x,,"), ",,x,,,,");
    EXPECT_EQ(qemu_option_value(""), "");
    VmConfig c;
    c.kernel = "/k,1/vmlinuz";
    c.initrd = "/out/a,b/initrd.cpio";
    c.console_log = "/out/a,b/console.log";
    c.results_file = "/out/a,b/results.bin";
    auto a = qemu_argv(c);
    // Option lists: doubled, so QEMU reads the path back whole and no ",b/..." becomes an option.
    EXPECT_TRUE(has_pair(a, "-chardev", "file,id=con,path=/out/a,,b/console.log"));
    EXPECT_TRUE(has_pair(a, "-chardev", "file,id=res,path=/out/a,,b/results.bin"));
    // -kernel and -initrd take the path whole: unchanged.
    EXPECT_TRUE(has_pair(a, "-kernel", "/k,1/vmlinuz"));
    EXPECT_TRUE(has_pair(a, "-initrd", "/out/a,b/initrd.cpio"));
}

TEST(QemuArgv, KvmAndPcAndExtras) {
    VmConfig c;
    c.accel = Accel::Kvm;
    c.machine = "pc";
    c.memory_mb = 2048;
    c.extra_args = {"-s"};
    auto a = qemu_argv(c);
    EXPECT_TRUE(has_pair(a, "-accel", "kvm"));
    EXPECT_TRUE(has_pair(a, "-cpu", "host"));
    EXPECT_TRUE(has_pair(a, "-M", "pc"));
    EXPECT_TRUE(has_pair(a, "-m", "2048"));
    EXPECT_EQ(a.back(), "-s");
}

TEST(GuestCmdline, Words) {
    GuestCmdline g;
    g.token = "abc123";
    g.tsc_khz = 2599998;
    g.start_case = 7;
    g.stop_case = 8;
    g.extra = {"module.sig_enforce=1"};
    auto s = guest_cmdline(g);
    for (const char* w : {"console=ttyS0", "reboot=t", "panic=-1", "loglevel=5", "tsc_early_khz=2599998", "modharness.guest=abc123",
                          "modharness.start=7", "modharness.stop=8", "module.sig_enforce=1", "tsc=reliable"})
        EXPECT_NE(s.find(w), std::string::npos) << w;
    g.start_case = 0;
    g.stop_case = -1;
    g.tsc_khz.reset();
    s = guest_cmdline(g);
    EXPECT_EQ(s.find("modharness.start"), std::string::npos);
    EXPECT_EQ(s.find("modharness.stop"), std::string::npos);
    EXPECT_EQ(s.find("tsc_early_khz"), std::string::npos);
}

TEST(GuestCmdline, TscFromCpuinfo) {
    EXPECT_EQ(tsc_khz_from_cpuinfo("processor\t: 0\ncpu MHz\t\t: 2599.998\n"), 2599998);
    EXPECT_EQ(tsc_khz_from_cpuinfo("processor : 0\n"), std::nullopt);
    EXPECT_EQ(tsc_khz_from_cpuinfo("cpu MHz : garbage\n"), std::nullopt);
}

TEST(QemuArgv, SnapshotResetWords) {
    VmConfig c;
    c.kernel = "/k/vmlinuz";
    c.initrd = "/tmp/i.cpio";
    c.console_log = "/tmp/con.log";
    c.results_file = "/tmp/res.bin";
    c.memory_mb = 512;
    auto plain = qemu_argv(c);
    EXPECT_FALSE(contains(plain, "-incoming"));
    EXPECT_FALSE(contains(plain, "-mon"));
    EXPECT_FALSE(contains(plain, "memory-backend=mh-ram"));

    // The VM a snapshot is taken of: RAM in the file, shared, size = -m; a QMP monitor.
    c.ram_file = "/dev/shm/a,b.ram";
    c.ram_shared = true;
    c.qmp_socket = "modharness-1-0-qmp";
    auto source = qemu_argv(c);
    EXPECT_TRUE(has_pair(source, "-object", "memory-backend-file,id=mh-ram,size=512M,mem-path=/dev/shm/a,,b.ram,share=on"));
    EXPECT_TRUE(has_pair(source, "-machine", "memory-backend=mh-ram"));
    EXPECT_TRUE(has_pair(source, "-chardev", "socket,id=mh-qmp,abstract=on,path=modharness-1-0-qmp"));
    EXPECT_TRUE(has_pair(source, "-mon", "chardev=mh-qmp,mode=control"));
    EXPECT_TRUE(has_pair(source, "-chardev", "file,id=res,path=/tmp/res.bin"));
    EXPECT_FALSE(contains(source, "-incoming"));

    // A restored VM: the same file mapped privately, results over a socket, waiting for the state.
    c.ram_shared = false;
    c.results_socket = "modharness-1-1-results";
    c.incoming = true;
    auto restored = qemu_argv(c);
    EXPECT_TRUE(has_pair(restored, "-object", "memory-backend-file,id=mh-ram,size=512M,mem-path=/dev/shm/a,,b.ram,share=off"));
    EXPECT_TRUE(has_pair(restored, "-chardev", "socket,id=res,abstract=on,path=modharness-1-1-results"));
    EXPECT_TRUE(has_pair(restored, "-device", "isa-serial,chardev=res,iobase=0x2f8,irq=3"));
    EXPECT_TRUE(has_pair(restored, "-incoming", "defer"));
    EXPECT_FALSE(contains(restored, "-net") && !has_pair(restored, "-net", "none"));
    EXPECT_FALSE(contains(restored, "-fw_cfg"));

    // A restored fuzz VM's work arrives as a fw_cfg file (read-only to the guest, no device).
    c.fw_cfg_files = {{"opt/modharness/files", "/tmp/job,1/go-files"}};
    EXPECT_TRUE(has_pair(qemu_argv(c), "-fw_cfg", "name=opt/modharness/files,file=/tmp/job,,1/go-files"));
}

TEST(GuestCmdline, WaitForGoOnlyWhenAsked) {
    GuestCmdline g;
    g.token = "t0123456789abcdef";
    EXPECT_EQ(guest_cmdline(g).find("modharness.wait="), std::string::npos);
    g.wait_for_go = true;
    EXPECT_NE(guest_cmdline(g).find(" modharness.wait=1"), std::string::npos);
}
