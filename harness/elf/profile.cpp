// Profile extraction from a reference .ko and the profile text format.
#include "harness/elf/profile.h"

#include <charconv>
#include <cstdio>
#include <sstream>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/elf/compression.h"
#include "harness/elf/signature.h"

namespace mh::elf {

const VersionEntry* KernelProfile::crc(std::string_view symbol) const {
    for (const auto& e : crcs)
        if (e.name == symbol) return &e;
    return nullptr;
}

Expected<KernelProfile> extract_profile(std::span<const uint8_t> image, std::string source_name) {
    std::vector<uint8_t> plain;
    if (detect_compression(image) != Compression::none) {
        MH_TRY_ASSIGN(bytes, decompress(image));
        plain = std::move(bytes);
        image = plain;
    }
    image = strip_signature(image);
    MH_TRY_ASSIGN(view, ElfView::parse(image));
    KernelProfile p;
    p.source = std::move(source_name);
    MH_TRY_ASSIGN(modinfo, read_modinfo(view));
    auto vm = modinfo_value(modinfo, "vermagic");
    if (!vm) return make_error("profile: .modinfo has no vermagic= entry");
    p.vermagic = std::string(*vm);
    p.release = p.vermagic.substr(0, p.vermagic.find(' '));
    p.retpoline = modinfo_value(modinfo, "retpoline").has_value();
    MH_TRY_ASSIGN(tm, read_this_module(view));
    p.this_module_size = tm.size;
    if (auto v = read_versions(view); v.ok()) p.crcs = v->entries;
    MH_TRY_ASSIGN(syms, view.symbols());
    // offsetof(struct module, init/exit): the targets of relocations against .gnu.linkonce.this_module.
    bool found_init = false;
    for (size_t r : view.sections_of_type(kShtRela)) {
        const Shdr& rs = view.section(r);
        auto relas = view.relocations(r);
        if (!relas) continue;
        for (const auto& rel : *relas) {
            if (rel.sym() >= syms.size()) continue;
            std::string_view name = syms[rel.sym()].name;
            if (rs.info == tm.section && name == "init_module") {
                p.init_offset = rel.offset;
                found_init = true;
            }
            if (rs.info == tm.section && name == "cleanup_module") p.exit_offset = rel.offset;
            if (name == "__x86_return_thunk") p.rethunk = true;
        }
    }
    if (!found_init) return make_error("profile: no relocation of init_module against .gnu.linkonce.this_module (module has no init?)");
    // IBT kernels start every address-taken function with ENDBR64.
    for (const auto& s : syms) {
        if (s.name != "init_module" || s.raw.shndx == 0 || s.raw.shndx >= view.section_count()) continue;
        auto d = view.section_data(s.raw.shndx);
        if (d.ok() && s.raw.value + 4 <= d->size()) {
            const uint8_t* f = d->data() + s.raw.value;
            p.ibt = f[0] == 0xf3 && f[1] == 0x0f && f[2] == 0x1e && f[3] == 0xfa;
        }
    }
    return p;
}

std::string profile_to_text(const KernelProfile& p) {
    std::ostringstream o;
    char buf[64];
    o << "# modharness kernel profile (modharness gen --profile FILE); extracted from " << p.source << "\n";
    o << "release " << p.release << "\n";
    o << "vermagic \"" << p.vermagic << "\"\n";
    o << "this_module_size " << p.this_module_size << "\n";
    o << "init_offset " << p.init_offset << "\n";
    o << "exit_offset " << p.exit_offset << "\n";
    o << "ibt " << (p.ibt ? 1 : 0) << "\n";
    o << "rethunk " << (p.rethunk ? 1 : 0) << "\n";
    o << "retpoline " << (p.retpoline ? 1 : 0) << "\n";
    o << "source " << p.source << "\n";
    for (const auto& c : p.crcs) {
        std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(c.crc));
        o << "crc " << c.name << " " << buf << "\n";
    }
    return o.str();
}

Expected<KernelProfile> profile_from_text(std::string_view text) {
    KernelProfile p;
    bool have_vermagic = false, have_size = false, have_init = false;
    size_t lineno = 0;
    auto bad = [&](const std::string& why) { return make_error("profile line " + std::to_string(lineno) + ": " + why); };
    for (const Line& l : lines(text)) {
        lineno = l.number;
        const std::string line(l.text);
        if (line.empty() || line[0] == '#') continue;
        auto sp = line.find(' ');
        std::string key = line.substr(0, sp);
        std::string val = sp == std::string::npos ? "" : line.substr(sp + 1);
        // Decimal or 0x hex, digits only: std::stoull would also take "-896" (as 2^64 - 896)
        // and leading blanks.
        auto number = [&](uint64_t& out) -> bool {
            std::string_view v = val;
            int base = 10;
            if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) v.remove_prefix(2), base = 16;
            if (v.empty()) return false;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
            return ec == std::errc() && end == v.data() + v.size();
        };
        uint64_t n = 0;
        if (key == "release") {
            p.release = val;
        } else if (key == "vermagic") {
            if (val.size() < 2 || val.front() != '"' || val.back() != '"') return bad("vermagic must be quoted");
            p.vermagic = val.substr(1, val.size() - 2);
            have_vermagic = true;
        } else if (key == "source") {
            p.source = val;
        } else if (key == "crc") {
            auto sp2 = val.find(' ');
            if (sp2 == std::string::npos) return bad("crc needs NAME VALUE");
            VersionEntry e;
            e.name = val.substr(0, sp2);
            val = val.substr(sp2 + 1);
            if (!number(e.crc)) return bad("crc value '" + val + "' is not a number");
            p.crcs.push_back(std::move(e));
        } else if (key == "this_module_size" || key == "init_offset" || key == "exit_offset" || key == "ibt" || key == "rethunk" ||
                   key == "retpoline") {
            if (!number(n)) return bad(key + " value '" + val + "' is not a number");
            if (key == "this_module_size") p.this_module_size = n, have_size = true;
            if (key == "init_offset") p.init_offset = n, have_init = true;
            if (key == "exit_offset") p.exit_offset = n;
            if (key == "ibt") p.ibt = n != 0;
            if (key == "rethunk") p.rethunk = n != 0;
            if (key == "retpoline") p.retpoline = n != 0;
        } else {
            return bad("unknown key '" + key + "'");
        }
    }
    if (!have_vermagic || !have_size || !have_init) return make_error("profile: vermagic, this_module_size and init_offset are required");
    if (p.this_module_size > kMaxThisModuleSize)
        return make_error("profile: this_module_size " + std::to_string(p.this_module_size) + " is larger than any struct module (" +
                          std::to_string(kMaxThisModuleSize) + ")");
    // Subtractions, not additions: an offset near 2^64 must not wrap around into range.
    if (p.this_module_size < kThisModuleNameOffset + kThisModuleNameLen || p.init_offset > p.this_module_size - 8 ||
        p.exit_offset > p.this_module_size - 8)
        return make_error("profile: init_offset " + std::to_string(p.init_offset) + " / exit_offset " + std::to_string(p.exit_offset) +
                          " do not fit in this_module_size " + std::to_string(p.this_module_size));
    if (p.release.empty()) p.release = p.vermagic.substr(0, p.vermagic.find(' '));
    return p;
}

Expected<KernelProfile> load_profile(const std::string& path) {
    MH_TRY_ASSIGN(text, read_text_file(path));
    auto p = profile_from_text(text);
    if (!p) return make_error(path + ": " + p.error().message);
    return p;
}

}  // namespace mh::elf
