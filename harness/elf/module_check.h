// Whole-module self-check used by `check-package`: strict read of everything plus a byte-identical round trip.
#pragma once

#include <cstdint>
#include <span>

#include "harness/common/expected.h"

namespace mh::elf {

// Ok when the (possibly compressed, possibly signed) module file reads without any error —
// strict header, every section name and range, symbols and their names, every RELA table,
// .modinfo, a NUL-terminated non-empty struct module name — and parse -> spec -> emit reproduces
// the decompressed bytes exactly (signature trailer included).
Status check_module_file(std::span<const uint8_t> file);

}  // namespace mh::elf
