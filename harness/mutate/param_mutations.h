// Module parameter strings for fuzzing, shaped by the image's own .modinfo: "parm=" and "parmtype="
// entries name the parameters and their types, so values can be type-aware (ints near boundaries,
// bools, strings) as well as malformed (no '=', unbalanced quotes, overlong, unknown names).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "harness/elf/malform/families.h"

namespace mh::mutate {

struct ModuleParam {
    std::string name;
    std::string type;  // "int", "charp", "bool", "uint", ... ("" when only parm= was seen)
};

// Parameters declared in the image's .modinfo-like strings (searched in the raw bytes, so it also
// works on damaged images).
std::vector<ModuleParam> declared_params(std::span<const uint8_t> image);

// Parameter words every module's parameter parser knows or rejects in its own way: an unknown
// name, `--' (the rest is left alone), async_probe (with and without a boolean), dyndbg.
const std::vector<std::string>& param_dictionary();

// A new params string derived from `current` (may replace, append or damage it).
std::string mutate_params(const std::string& current, const std::vector<ModuleParam>& declared, elf::malform::Rng& rng);

}  // namespace mh::mutate
