// Guard decision: PID 1, initramfs root, token file present and echoed on the kernel command line.
#include "harness/guest_guard/guard.h"

namespace mh::guest_guard {

std::optional<std::string> cmdline_value(std::string_view cmdline, std::string_view key) {
    size_t pos = 0;
    while (pos < cmdline.size()) {
        size_t end = cmdline.find_first_of(" \n\t", pos);
        if (end == std::string_view::npos) end = cmdline.size();
        std::string_view word = cmdline.substr(pos, end - pos);
        if (word.substr(0, key.size()) == key) return std::string(word.substr(key.size()));
        pos = end + 1;
    }
    return std::nullopt;
}

std::optional<std::string> refusal_reason(const GuardFacts& f) {
    if (f.pid != 1)
        return "not PID 1 of a harness VM (pid " + std::to_string(f.pid) + ", and PID 1 is not " + std::string(kInitPath) +
               "): this program only runs inside a modharness VM";
    if (f.root_fs_magic != kRamfsMagic && f.root_fs_magic != kTmpfsMagic)
        return "root filesystem is not an initramfs (statfs magic " + std::to_string(f.root_fs_magic) + ")";
    if (!f.token || f.token->size() < kMinTokenLength) return std::string("no harness token at ") + kTokenPath;
    if (!f.cmdline) return "cannot read /proc/cmdline";
    auto word = cmdline_value(*f.cmdline, kGuestTokenKey);
    if (!word) return "kernel command line has no " + std::string(kGuestTokenKey) + " word";
    if (*word != *f.token) return "kernel command line token does not match the initramfs token";
    return std::nullopt;
}

}  // namespace mh::guest_guard
