// Facts about an extracted kernel tree: relocating absolute links, reading its config, checking a bzImage.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::kernels {

struct TreeFixup {
    int links_rewritten = 0;  // absolute symlinks now relative inside the tree
    int makefiles_patched = 0;  // "include /usr/src/..." lines now relative
    std::vector<std::string> dangling;  // absolute links whose target is not in the tree (left alone)
};

// Debian's packages assume they are installed at /: lib/modules/<rel>/build -> /usr/src/linux-headers-<rel>,
// and usr/src/linux-headers-<rel>/Makefile includes /usr/src/linux-headers-<ver>-common/Makefile.
// Rewrites every absolute symlink under `root` whose target exists under `root` into a relative
// one, and makes the headers' Makefile include its -common Makefile relative to itself, so that
// `make -C <root>/usr/src/linux-headers-<rel> M=DIR modules` works wherever the tree lives.
Expected<TreeFixup> make_tree_relocatable(const std::filesystem::path& root);

// CONFIG_* assignments of a kernel .config: "CONFIG_X=y" -> {"CONFIG_X","y"}, quotes kept for
// strings, "# CONFIG_X is not set" -> "n".
std::map<std::string, std::string> parse_kernel_config(std::string_view text);

// The options that decide what the module loader does; recorded per kernel ("n" when absent).
const std::vector<std::string_view>& loader_config_keys();

// The subset of `config` for loader_config_keys(), absent keys as "n".
std::map<std::string, std::string> loader_config(const std::map<std::string, std::string>& config);

// Upstream version from a .config header ("# Linux/x86 6.12.117 Kernel Configuration"), or "".
std::string version_from_config_header(std::string_view text);

struct BzImageInfo {
    std::uint16_t boot_protocol = 0;  // e.g. 0x020f
    std::string version_string;  // "6.1.0-56-cloud-amd64 (debian-kernel@...) #1 SMP ..."
    std::string release;  // first word of version_string
};

// Checks the x86 boot header ("HdrS" at 0x202, protocol >= 2.00) and reads the kernel version
// string it points to. Errors name the path and what is wrong with it.
Expected<BzImageInfo> inspect_bzimage(const std::filesystem::path& path);

// Total size of regular files under `dir` (symlinks not followed).
std::uintmax_t tree_size_bytes(const std::filesystem::path& dir);

}  // namespace mh::kernels
