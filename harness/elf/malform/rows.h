// Apply/verify/edit building blocks for the catalogue rows that are more than a field write.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/elf/compression.h"
#include "harness/elf/malform/families.h"
#include "harness/elf/signature.h"

namespace mh::elf::malform {

// --- Structure (rows_structure.cpp): sections added, renamed, duplicated; tables moved. ---
// Verify helper: every section of `before` (except .shstrtab, which may grow and move) keeps its
// header fields and contents in `after`; `skip` lists indices allowed to differ.
Status sections_preserved(std::span<const uint8_t> before, std::span<const uint8_t> after, std::vector<size_t> skip = {});
ApplyFn duplicate_section(std::string_view name, std::function<void(Bytes&)> tweak = {});
VerifyFn verify_duplicated(std::string_view name);
ApplyFn rename_section(std::string_view name, std::string_view new_name);
VerifyFn verify_renamed(std::string_view name, std::string_view new_name);
ApplyFn append_section_row(std::string_view name, uint32_t type, uint64_t flags, Bytes data);
VerifyFn verify_appended(std::string_view name, uint64_t flags);
ApplyFn duplicate_symtab();
VerifyFn verify_two_symtabs();
ApplyFn extended_numbering();
VerifyFn verify_extended_numbering();
ApplyFn shoff_in_sig_trailer();
VerifyFn verify_shoff_in_sig_trailer();
using ModinfoEdit = std::function<Status(std::vector<std::pair<std::string, std::string>>&)>;
ApplyFn rebuild_modinfo(ModinfoEdit edit);
VerifyFn verify_modinfo(std::function<Status(const std::vector<ModinfoEntry>&)> check);
// Points one undefined symbol (weak when `weak`) at a new name nobody exports.
ApplyFn undefined_unknown_symbol(bool weak);
VerifyFn verify_undefined_unknown_symbol(bool weak);

// --- In-place content edits (rows_content.cpp), used with section_edit(). ---
EditFn set_byte_at_end(uint8_t value);
EditFn set_byte_at_start(uint8_t value);
EditFn vermagic_flip(bool in_release_prefix);
EditFn modinfo_rename_key(std::string_view key);
EditFn modinfo_change_value(std::string_view key);
EditFn versions_rename(std::string_view entry);
EditFn versions_crc_flip(bool module_layout);
EditFn versions_unterminate();
EditFn this_module_name(std::vector<std::string_view> candidates);  // "" = all-zero name
EditFn this_module_unterminate();
enum class SymPick { init_module, defined_global, undefined_named, any_named };
EditFn symbol_field(SymPick pick, size_t field, size_t width, ValueFn value);
// field: 0 offset, 8 info, 16 addend; with type_ok only relocations of accepted types are edited.
EditFn rela_field(size_t field, size_t width, ValueFn value, RelaTypeFilter type_ok = {});
EditFn rela_type(ValueFn type);  // keeps the symbol index
EditFn rela_symbol(ValueFn sym);  // keeps the type
Selector rela_target_sel();  // the target section of a random RELA
EditFn rela_target_nonzero();  // patch the bytes a relocation will write

// --- Trailers (rows_trailer.cpp): signatures, truncation, junk, compression. ---
ApplyFn sig_marker_only();
ApplyFn sig_short_info();
ApplyFn sig_append(std::function<void(Rng&, ModuleSignature&, Bytes& blob, std::span<const uint8_t> payload)> shape,
                   bool sig_len_from_blob = true);
VerifyFn verify_sig(std::function<Status(const SignatureTrailer&)> check);
ApplyFn sig_payload_modified();
VerifyFn verify_sig_payload_modified();
ApplyFn truncate_row(std::function<Expected<uint64_t>(std::span<const uint8_t>, Rng&)> new_size);
VerifyFn verify_truncated();
ApplyFn append_row(std::function<Bytes(std::span<const uint8_t>, Rng&)> tail, bool keep_signature);
VerifyFn verify_appended_tail(bool keep_signature);
enum class WrapMode { valid, truncated, corrupt, trailing_junk };
ApplyFn wrap(Compression c, WrapMode mode, XzCheck check = XzCheck::crc32);
VerifyFn verify_wrap(Compression c, WrapMode mode);

// --- Generic byte mutators (rows_generic.cpp); they work on the whole image. ---
ApplyFn bit_flip();
ApplyFn byte_random();
ApplyFn byte_interesting();
ApplyFn word_interesting(size_t width);
ApplyFn bytes_insert();
ApplyFn bytes_delete();
ApplyFn chunk_duplicate();
ApplyFn chunk_swap();
ApplyFn havoc();
ApplyFn region_bit_flip(bool section_table);  // in the shdr table, or in a random section's data
VerifyFn verify_same_size_changed();
VerifyFn verify_size_changed();
VerifyFn verify_one_bit();

}  // namespace mh::elf::malform
