// Implementation of the whole-module self-check.
#include "harness/elf/module_check.h"

#include <algorithm>

#include "harness/elf/compression.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/spec.h"

namespace mh::elf {

Status check_module_file(std::span<const uint8_t> file) {
    std::vector<uint8_t> plain;
    std::span<const uint8_t> bytes = file;
    if (detect_compression(file) != Compression::none) {
        MH_TRY_ASSIGN(d, decompress(file));
        plain = std::move(d);
        bytes = plain;
    }
    auto img = strip_signature(bytes);
    MH_TRY_ASSIGN(view, ElfView::parse(img));
    for (size_t i = 1; i < view.section_count(); ++i) {
        MH_TRY(view.section_name(i));
        MH_TRY(view.section_data(i));
    }
    MH_TRY_ASSIGN(syms, view.symbols());
    for (const auto& s : syms)
        if (!s.name_error.empty()) return make_error(s.name_error);
    for (size_t r : view.sections_of_type(kShtRela)) MH_TRY(view.relocations(r));
    MH_TRY(read_modinfo(view));
    MH_TRY_ASSIGN(tm, read_this_module(view));
    if (!tm.name_terminated) return make_error(".gnu.linkonce.this_module: name[56] is not NUL-terminated");
    if (tm.name.empty()) return make_error(".gnu.linkonce.this_module: name is empty");
    MH_TRY_ASSIGN(spec, spec_from_image(bytes));
    auto out = emit(spec);
    if (!std::equal(out.begin(), out.end(), bytes.begin(), bytes.end())) {
        size_t at = 0;
        while (at < out.size() && at < bytes.size() && out[at] == bytes[at]) ++at;
        return make_error("parse -> spec -> emit differs from the file at byte " + std::to_string(at) + " (" +
                          std::to_string(bytes.size()) + " bytes in, " + std::to_string(out.size()) + " out)");
    }
    return ok_status();
}

}  // namespace mh::elf
