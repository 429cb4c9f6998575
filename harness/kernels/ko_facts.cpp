// Bounds-checked ELF64 section walk and .modinfo split, enough to check what make produced.
#include "harness/kernels/ko_facts.h"

#include <cstring>
#include <fstream>

namespace mh::kernels {
namespace {

template <typename T>
T load(std::string_view b, std::uint64_t off) {
    T v{};
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}

constexpr std::uint32_t kShtNobits = 8;

}  // namespace

std::string KoFacts::modinfo_value(std::string_view key) const {
    for (const auto& e : modinfo)
        if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=') return e.substr(key.size() + 1);
    return {};
}

Expected<KoFacts> parse_ko(std::string_view b) {
    if (b.size() < 64 || std::memcmp(b.data(), "\x7f" "ELF", 4) != 0) return make_error("not an ELF file (no \\x7fELF magic or shorter than 64 bytes)");
    if (b[4] != 2 || b[5] != 1) return make_error("not a little-endian ELF64 file (EI_CLASS/EI_DATA)");
    KoFacts f;
    f.e_type = load<std::uint16_t>(b, 16);
    const auto shoff = load<std::uint64_t>(b, 0x28);
    const auto shentsize = load<std::uint16_t>(b, 0x3a);
    const auto shnum = load<std::uint16_t>(b, 0x3c);
    const auto shstrndx = load<std::uint16_t>(b, 0x3e);
    if (shentsize != 64) return make_error("e_shentsize " + std::to_string(shentsize) + " != 64");
    if (shoff > b.size() || static_cast<std::uint64_t>(shnum) * 64 > b.size() - shoff)
        return make_error("section header table (e_shoff " + std::to_string(shoff) + ", e_shnum " + std::to_string(shnum) + ") runs past the file end");
    if (shstrndx >= shnum) return make_error("e_shstrndx " + std::to_string(shstrndx) + " >= e_shnum " + std::to_string(shnum));
    auto sh = [&](std::uint32_t i, std::uint32_t field_off) { return shoff + std::uint64_t{i} * 64 + field_off; };
    const auto str_off = load<std::uint64_t>(b, sh(shstrndx, 0x18));
    const auto str_size = load<std::uint64_t>(b, sh(shstrndx, 0x20));
    if (str_off > b.size() || str_size > b.size() - str_off) return make_error("section name table runs past the file end");
    std::string_view names = b.substr(str_off, str_size);
    for (std::uint32_t i = 1; i < shnum; ++i) {
        const auto name_off = load<std::uint32_t>(b, sh(i, 0));
        KoSection s;
        s.type = load<std::uint32_t>(b, sh(i, 4));
        s.flags = load<std::uint64_t>(b, sh(i, 8));
        const auto off = load<std::uint64_t>(b, sh(i, 0x18));
        s.size = load<std::uint64_t>(b, sh(i, 0x20));
        if (name_off >= names.size()) return make_error("section " + std::to_string(i) + ": sh_name past the name table");
        std::string name(names.substr(name_off, names.find('\0', name_off) - name_off));
        if (s.type != kShtNobits && (off > b.size() || s.size > b.size() - off))
            return make_error("section '" + name + "' (offset " + std::to_string(off) + ", size " + std::to_string(s.size) + ") runs past the file end");
        if (name == ".modinfo") {
            std::string_view info = b.substr(off, s.size);
            std::size_t p = 0;
            while (p < info.size()) {
                std::size_t z = info.find('\0', p);
                if (z == std::string_view::npos) z = info.size();
                if (z > p) f.modinfo.emplace_back(info.substr(p, z - p));
                p = z + 1;
            }
        }
        f.sections[name] = s;
    }
    return f;
}

Expected<KoFacts> read_ko(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("cannot read '" + path.string() + "'");
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    auto f = parse_ko(bytes);
    if (!f) return make_error("'" + path.string() + "': " + f.error().message);
    return f;
}

}  // namespace mh::kernels
