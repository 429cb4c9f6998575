// Reading the guard facts from the running machine (see machine.h).
#include "harness/guest_guard/machine.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstring>

#include "harness/common/files.h"
#include "harness/guest_guard/guard.h"

namespace mh::guest_guard {
namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

bool initramfs_root(uint64_t magic) { return magic == kRamfsMagic || magic == kTmpfsMagic; }

// Root filesystem and token: the facts both kinds of guest program read the same way.
GuardFacts root_and_token(long pid) {
    GuardFacts facts;
    facts.pid = pid;
    struct statfs sfs {};
    if (::statfs("/", &sfs) == 0) facts.root_fs_magic = static_cast<uint64_t>(sfs.f_type);
    if (auto tok = read_text_file(kTokenPath)) facts.token = trim(*tok);
    return facts;
}

// True when PID 1's argv[0] is exactly /init (/proc/1/cmdline is NUL-separated).
bool pid1_is_init() {
    const auto init = read_text_file("/proc/1/cmdline");
    return init && std::strcmp(init->c_str(), std::string(kInitPath).c_str()) == 0;
}

}  // namespace

std::optional<std::string> refusal_as_init() {
    const long pid = ::getpid();
    if (pid != 1) return refusal_reason(GuardFacts{pid, std::nullopt, std::nullopt, 0});
    GuardFacts facts = root_and_token(pid);
    // Only inside our own initramfs (token file present, initramfs root) do we mount /proc ourselves.
    if (facts.token && initramfs_root(facts.root_fs_magic) && !read_text_file("/proc/cmdline").ok()) {
        ::mkdir("/proc", 0755);
        ::mount("proc", "/proc", "proc", 0, nullptr);
    }
    if (auto cmdline = read_text_file("/proc/cmdline")) facts.cmdline = std::move(*cmdline);
    return refusal_reason(facts);
}

std::optional<std::string> refusal_as_descendant() {
    const long pid = ::getpid();
    GuardFacts facts = root_and_token(pid1_is_init() ? 1 : pid);
    if (auto cmdline = read_text_file("/proc/cmdline")) facts.cmdline = std::move(*cmdline);
    return refusal_reason(facts);
}

}  // namespace mh::guest_guard
