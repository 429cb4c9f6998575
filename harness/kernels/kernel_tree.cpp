// Relocating Debian kernel trees extracted outside /, parsing .config, validating bzImages.
#include "harness/kernels/kernel_tree.h"

#include <array>
#include <fstream>
#include <system_error>

#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Patches a Debian headers Makefile ("include /usr/src/linux-headers-X-common/Makefile") so the
// include is found relative to the Makefile itself, whatever make's working directory.
Expected<bool> patch_headers_makefile(const fs::path& root, const fs::path& makefile) {
    MH_TRY_ASSIGN(text, read_text_file(makefile));
    std::string out;
    bool changed = false;
    for (auto [text_line, number] : lines(text)) {
        std::string line(text_line);
        if (has_newline(text, text_line)) line += '\n';
        std::string_view body(text_line);
        while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
        if (starts_with(body, "include /")) {
            fs::path target(std::string(body.substr(8)));
            fs::path inside = (root / target.relative_path()).lexically_normal();
            std::error_code ec;
            if (fs::exists(inside, ec)) {
                fs::path rel = inside.lexically_relative(makefile.parent_path().lexically_normal());
                line = "# modharness: was 'include " + target.string() +
                       "' (tree relocated)\n"
                       "include $(dir $(lastword $(MAKEFILE_LIST)))" +
                       rel.string() + "\n";
                changed = true;
            }
        }
        out += line;
    }
    if (!changed) return false;
    MH_TRY(write_file_atomic(makefile, out));
    return true;
}

}  // namespace

Expected<TreeFixup> make_tree_relocatable(const fs::path& root_in) {
    TreeFixup fix;
    std::error_code ec;
    fs::path root = fs::absolute(root_in, ec).lexically_normal();
    if (ec || !fs::is_directory(root, ec)) return make_error("'" + root_in.string() + "' is not a directory");
    std::vector<fs::path> links;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_symlink(ec)) links.push_back(it->path());
    }
    if (ec) return make_error("walking '" + root.string() + "': " + ec.message());
    for (const auto& link : links) {
        fs::path target = fs::read_symlink(link, ec);
        if (ec) return make_error("reading link '" + link.string() + "': " + ec.message());
        if (!target.is_absolute()) continue;
        fs::path inside = (root / target.relative_path()).lexically_normal();
        if (!fs::exists(fs::symlink_status(inside, ec))) {
            fix.dangling.push_back(link.lexically_relative(root).string() + " -> " + target.string());
            continue;
        }
        // The walk does not follow links, so the link's parent is a real directory: a lexical
        // relative path is exact.
        fs::path rel = inside.lexically_relative(link.parent_path().lexically_normal());
        fs::remove(link, ec);
        if (ec) return make_error("removing link '" + link.string() + "': " + ec.message());
        fs::create_symlink(rel, link, ec);
        if (ec) return make_error("creating link '" + link.string() + "' -> '" + rel.string() + "': " + ec.message());
        ++fix.links_rewritten;
    }
    fs::path src = root / "usr" / "src";
    if (fs::is_directory(src, ec)) {
        for (const auto& entry : fs::directory_iterator(src, ec)) {
            fs::path mk = entry.path() / "Makefile";
            if (entry.is_symlink() || !fs::is_regular_file(fs::symlink_status(mk, ec))) continue;
            MH_TRY_ASSIGN(changed, patch_headers_makefile(root, mk));
            if (changed) ++fix.makefiles_patched;
        }
    }
    return fix;
}

std::map<std::string, std::string> parse_kernel_config(std::string_view text) {
    std::map<std::string, std::string> out;
    for (auto [line, number] : lines(text)) {
        if (starts_with(line, "CONFIG_")) {
            auto eq = line.find('=');
            if (eq != std::string_view::npos) out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
        } else if (starts_with(line, "# CONFIG_")) {
            constexpr std::string_view kNotSet = " is not set";
            if (line.size() > kNotSet.size() && line.substr(line.size() - kNotSet.size()) == kNotSet)
                out[std::string(line.substr(2, line.size() - 2 - kNotSet.size()))] = "n";
        }
    }
    return out;
}

const std::vector<std::string_view>& loader_config_keys() {
    static const std::vector<std::string_view> keys = {
        "CONFIG_MODULES",
        "CONFIG_MODULE_UNLOAD",
        "CONFIG_MODULE_FORCE_LOAD",
        "CONFIG_MODULE_FORCE_UNLOAD",
        "CONFIG_MODVERSIONS",
        "CONFIG_MODULE_SIG",
        "CONFIG_MODULE_SIG_FORCE",
        "CONFIG_MODULE_SIG_ALL",
        "CONFIG_MODULE_DECOMPRESS",
        "CONFIG_MODULE_COMPRESS_XZ",
        "CONFIG_MODULE_COMPRESS_ZSTD",
        "CONFIG_MODULE_COMPRESS_GZIP",
        "CONFIG_KCOV",
        "CONFIG_KASAN",
        "CONFIG_X86_KERNEL_IBT",
        "CONFIG_DEBUG_INFO_BTF_MODULES",
        "CONFIG_SECURITY_LOCKDOWN_LSM",
        "CONFIG_IKCONFIG",
    };
    return keys;
}

std::map<std::string, std::string> loader_config(const std::map<std::string, std::string>& config) {
    std::map<std::string, std::string> out;
    for (auto key : loader_config_keys()) {
        auto it = config.find(std::string(key));
        out[std::string(key)] = it == config.end() ? "n" : it->second;
    }
    return out;
}

std::string version_from_config_header(std::string_view text) {
    // "# Linux/x86 6.12.117 Kernel Configuration"
    auto p = text.find("# Linux/");
    if (p == std::string_view::npos) return {};
    auto sp = text.find(' ', p + 8);
    if (sp == std::string_view::npos) return {};
    auto end = text.find(' ', sp + 1);
    if (end == std::string_view::npos) return {};
    return std::string(text.substr(sp + 1, end - sp - 1));
}

Expected<BzImageInfo> inspect_bzimage(const fs::path& path) {
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return make_error("kernel image '" + path.string() + "' does not exist");
    if (!fs::is_regular_file(st)) return make_error("kernel image '" + path.string() + "' is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("cannot read kernel image '" + path.string() + "'");
    std::array<char, 0x1000> head{};
    in.read(head.data(), head.size());
    auto got = static_cast<std::size_t>(in.gcount());
    auto u16 = [&](std::size_t off) {
        return static_cast<std::uint16_t>(static_cast<unsigned char>(head[off]) | (static_cast<unsigned char>(head[off + 1]) << 8));
    };
    if (got >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F')
        return make_error("'" + path.string() + "' is an ELF file (vmlinux?), not a bzImage: pass arch/x86/boot/bzImage or boot/vmlinuz-*");
    if (got < 0x210 || std::string_view(head.data() + 0x202, 4) != "HdrS")
        return make_error("'" + path.string() + "' is not a bzImage: no \"HdrS\" boot-header magic at offset 0x202");
    BzImageInfo info;
    info.boot_protocol = u16(0x206);
    if (info.boot_protocol < 0x0200)
        return make_error("'" + path.string() + "': boot protocol " + std::to_string(info.boot_protocol >> 8) + "." +
                          std::to_string(info.boot_protocol & 0xff) + " is too old for QEMU -kernel (need >= 2.00)");
    // kernel_version (0x20e) points at a NUL-terminated string, offset relative to 0x200.
    std::size_t off = static_cast<std::size_t>(u16(0x20e)) + 0x200;
    if (u16(0x20e) != 0) {
        if (off >= got) {
            in.clear();
            in.seekg(static_cast<std::streamoff>(off));
            std::array<char, 256> v{};
            in.read(v.data(), v.size() - 1);
            info.version_string = std::string(v.data());
        } else {
            std::size_t end = off;
            while (end < got && head[end] != '\0') ++end;
            info.version_string.assign(head.data() + off, end - off);
        }
    }
    info.release = info.version_string.substr(0, info.version_string.find(' '));
    return info;
}

std::uintmax_t tree_size_bytes(const fs::path& dir) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code fec;
        if (it->is_regular_file(fec) && !it->is_symlink(fec)) total += it->file_size(fec);
    }
    return total;
}

}  // namespace mh::kernels
