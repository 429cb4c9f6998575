// Serialiser, parse-to-spec and layout helpers for ModuleSpec.
#include "harness/elf/spec.h"

#include <algorithm>

#include "harness/common/checked.h"

namespace mh::elf {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) {
    if (a <= 1) return v;
    // Alignment values from specs may be anything; only power-of-two alignments are honoured.
    if ((a & (a - 1)) != 0 || a > 4096) return v;
    return (v + a - 1) & ~(a - 1);
}

bool placeable(uint64_t offset, uint64_t size) {
    auto end = checked_add(offset, size);
    return end && *end <= kMaxEmitSize;
}

void write_at(std::vector<uint8_t>& out, uint64_t offset, const uint8_t* p, size_t n) {
    if (n == 0) return;
    if (out.size() < offset + n) out.resize(offset + n, 0);
    std::copy(p, p + n, out.begin() + static_cast<std::ptrdiff_t>(offset));
}

}  // namespace

uint64_t content_end(const ModuleSpec& spec) {
    uint64_t end = std::max<uint64_t>(kEhdrSize, spec.min_size);
    for (const auto& b : spec.blobs)
        if (placeable(b.offset, b.bytes.size())) end = std::max(end, b.offset + b.bytes.size());
    for (const auto& s : spec.sections)
        if (!s.data.empty() && placeable(s.hdr.offset, s.data.size())) end = std::max(end, s.hdr.offset + s.data.size());
    uint64_t table = spec.sections.size() * kShdrSize;
    if (table && placeable(spec.ehdr.shoff, table)) end = std::max(end, spec.ehdr.shoff + table);
    return end;
}

std::vector<uint8_t> emit(const ModuleSpec& spec) {
    std::vector<uint8_t> out;
    out.reserve(content_end(spec));
    out.resize(std::max<uint64_t>(kEhdrSize, std::min(spec.min_size, kMaxEmitSize)), 0);
    for (const auto& b : spec.blobs)
        if (placeable(b.offset, b.bytes.size())) write_at(out, b.offset, b.bytes.data(), b.bytes.size());
    for (const auto& s : spec.sections)
        if (placeable(s.hdr.offset, s.data.size())) write_at(out, s.hdr.offset, s.data.data(), s.data.size());
    uint64_t table = spec.sections.size() * kShdrSize;
    if (table && placeable(spec.ehdr.shoff, table)) {
        uint8_t buf[kShdrSize];
        for (size_t i = 0; i < spec.sections.size(); ++i) {
            encode_shdr(spec.sections[i].hdr, buf);
            write_at(out, spec.ehdr.shoff + i * kShdrSize, buf, kShdrSize);
        }
    }
    uint8_t eh[kEhdrSize];
    encode_ehdr(spec.ehdr, eh);
    write_at(out, 0, eh, kEhdrSize);
    return out;
}

Expected<ModuleSpec> spec_from_image(std::span<const uint8_t> image) {
    MH_TRY_ASSIGN(view, ElfView::parse(image, ReadOptions{.require_x86_64_rel = false}));
    ModuleSpec spec;
    spec.ehdr = view.header();
    spec.min_size = image.size();
    std::vector<uint8_t> covered(image.size(), 0);
    auto cover = [&](uint64_t off, uint64_t n) {
        std::fill(covered.begin() + static_cast<std::ptrdiff_t>(off), covered.begin() + static_cast<std::ptrdiff_t>(off + n), 1);
    };
    cover(0, kEhdrSize);
    if (view.section_count()) cover(spec.ehdr.shoff, view.section_count() * kShdrSize);
    for (size_t i = 0; i < view.section_count(); ++i) {
        SectionSpec s;
        s.hdr = view.section(i);
        if (auto n = view.section_name(i); n.ok()) s.name = std::string(*n);
        if (s.hdr.type != kShtNobits && range_within(s.hdr.offset, s.hdr.size, image.size())) {
            auto d = image.subspan(s.hdr.offset, s.hdr.size);
            s.data.assign(d.begin(), d.end());
            cover(s.hdr.offset, s.hdr.size);
        }
        spec.sections.push_back(std::move(s));
    }
    // Uncovered runs with any non-zero byte become blobs; zero runs are implied by min_size.
    size_t i = 0;
    while (i < image.size()) {
        if (covered[i]) {
            ++i;
            continue;
        }
        size_t j = i;
        bool nonzero = false;
        while (j < image.size() && !covered[j]) nonzero |= image[j++] != 0;
        if (nonzero)
            spec.blobs.push_back(Blob{
                i, std::vector<uint8_t>(image.begin() + static_cast<std::ptrdiff_t>(i), image.begin() + static_cast<std::ptrdiff_t>(j))});
        i = j;
    }
    return spec;
}

Ehdr default_ehdr() {
    Ehdr h;
    h.ident = {0x7f, 'E', 'L', 'F', kElfClass64, kElfData2Lsb, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    h.type = kEtRel;
    h.machine = kEmX86_64;
    h.version = 1;
    h.ehsize = kEhdrSize;
    h.shentsize = kShdrSize;
    return h;
}

long find_spec_section(const ModuleSpec& spec, std::string_view name) {
    for (size_t i = 0; i < spec.sections.size(); ++i)
        if (spec.sections[i].name == name) return static_cast<long>(i);
    return -1;
}

void auto_layout(ModuleSpec& spec) {
    spec.blobs.clear();
    spec.min_size = 0;
    long shstr = find_spec_section(spec, ".shstrtab");
    if (shstr > 0) {
        std::vector<uint8_t> tab = {0};
        for (auto& s : spec.sections) {
            if (s.name.empty()) {
                s.hdr.name = 0;
                continue;
            }
            s.hdr.name = static_cast<uint32_t>(tab.size());
            append_chars(tab, s.name);
            tab.push_back(0);
        }
        spec.sections[static_cast<size_t>(shstr)].data = std::move(tab);
    }
    uint64_t cur = kEhdrSize;
    for (size_t i = 1; i < spec.sections.size(); ++i) {
        auto& s = spec.sections[i];
        s.hdr.offset = align_up(cur, s.hdr.addralign);
        if (s.hdr.type != kShtNobits) {
            s.hdr.size = s.data.size();
            cur = s.hdr.offset + s.data.size();
        }
    }
    spec.ehdr.shoff = align_up(cur, 8);
    spec.ehdr.shnum = static_cast<uint16_t>(spec.sections.size());
    spec.ehdr.shstrndx = static_cast<uint16_t>(shstr > 0 ? shstr : 0);
    spec.ehdr.ehsize = kEhdrSize;
    spec.ehdr.shentsize = kShdrSize;
}

void move_section_table_to_end(ModuleSpec& spec) {
    // Compute the end without the table itself, so the table does not chase its own tail.
    ModuleSpec probe;
    probe.ehdr = spec.ehdr;
    probe.blobs = spec.blobs;
    probe.min_size = spec.min_size;
    uint64_t end = content_end(probe);
    for (const auto& s : spec.sections)
        if (!s.data.empty() && placeable(s.hdr.offset, s.data.size())) end = std::max(end, s.hdr.offset + s.data.size());
    spec.ehdr.shoff = align_up(end, 8);
    spec.min_size = std::min(spec.min_size, end);
}

void move_section_to_end(ModuleSpec& spec, size_t index) {
    auto& s = spec.sections.at(index);
    // The end of everything else: the section's own (possibly far away) old offset must not count.
    uint64_t saved = s.hdr.offset;
    s.hdr.offset = 0;
    std::vector<uint8_t> own = std::move(s.data);
    s.data.clear();
    uint64_t end = content_end(spec);
    s.data = std::move(own);
    s.hdr.offset = saved;
    uint64_t align = s.hdr.addralign && s.hdr.addralign <= 4096 ? s.hdr.addralign : 1;
    // The old bytes must read as zeros afterwards, not as stale copies of the section.
    if (placeable(s.hdr.offset, s.data.size()) && s.hdr.offset >= kEhdrSize) {
        Blob zeros{s.hdr.offset, std::vector<uint8_t>(s.data.size(), 0)};
        if (!zeros.bytes.empty()) spec.blobs.push_back(std::move(zeros));
    }
    s.hdr.offset = align_up(end, align);
    move_section_table_to_end(spec);
}

uint32_t add_section_name(ModuleSpec& spec, std::string_view name) {
    size_t idx = spec.ehdr.shstrndx;
    if (idx == 0 || idx >= spec.sections.size()) return 0;
    auto& str = spec.sections[idx];
    if (str.hdr.type == kShtNobits) return 0;
    uint32_t off = static_cast<uint32_t>(str.data.size());
    std::vector<uint8_t> grown = str.data;
    append_chars(grown, name);
    grown.push_back(0);
    set_section_data(spec, idx, std::move(grown));
    return off;
}

size_t append_section(ModuleSpec& spec, std::string_view name, Shdr hdr, std::vector<uint8_t> data) {
    hdr.name = add_section_name(spec, name);
    uint64_t end = content_end(spec);
    uint64_t align = hdr.addralign && hdr.addralign <= 4096 ? hdr.addralign : 1;
    hdr.offset = align_up(end, align);
    if (hdr.type != kShtNobits) hdr.size = data.size();
    spec.sections.push_back(SectionSpec{std::string(name), hdr, std::move(data)});
    spec.ehdr.shnum = static_cast<uint16_t>(spec.sections.size());
    move_section_table_to_end(spec);
    return spec.sections.size() - 1;
}

void set_section_data(ModuleSpec& spec, size_t index, std::vector<uint8_t> data) {
    auto& s = spec.sections.at(index);
    if (data.size() <= s.data.size()) {
        size_t old = s.data.size();
        s.hdr.size = data.size();
        data.resize(old, 0);  // keep the freed tail in the section's own bytes, as zeros
        s.data = std::move(data);
        s.data.resize(old);
        // sh_size now says the shorter length; the zeroed tail stays owned by this spec section.
        return;
    }
    s.data = std::move(data);
    s.hdr.size = s.data.size();
    move_section_to_end(spec, index);
}

}  // namespace mh::elf
