// Where the linker put each section of a kernel/module object inside vmlinux, found from function symbols alone.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/common/expected.h"
#include "harness/coverage/coverage_tool_output.h"

namespace mh::coverage {

// vmlinux function symbols by name. A static name can occur many times (every object has its
// own `_sub_I_65535_1`; `show_modinfo_##field` style helpers repeat across files), so a name maps
// to every address it has.
using SymbolIndex = std::unordered_map<std::string, std::vector<FunctionSymbol>>;
SymbolIndex index_symbols(const std::vector<FunctionSymbol>& vmlinux_symbols);

// The load address of one input section of an object: the one base B for which every function
// symbol of the section (offset o, size s, name n) exists in vmlinux as n at B + o with size s.
// The linker copies an input section whole, so that base exists and, given one symbol whose
// name is unique or a few symbols together, is unique. This is what tells a static function
// apart from a same-named one in another file without trusting debug info. Errors name the
// section and why (a symbol missing from vmlinux, no agreeing base, several).
// `section_symbols`: the object's function symbols of that section, all with size > 0. Weak
// ones do not vote: when another file's strong definition won (module_arch_cleanup in main.o vs
// arch/x86), vmlinux still holds the weak body but no symbol names it.
Expected<std::uint64_t> place_section(const std::string& what, const std::vector<FunctionSymbol>& section_symbols,
                                      const SymbolIndex& vmlinux);

}  // namespace mh::coverage
