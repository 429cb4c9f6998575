// Compiler-free synthesis of a loadable module for a kernel profile, whose init returns a chosen value.
#pragma once

#include <cstdint>
#include <string>

#include "harness/common/expected.h"
#include "harness/elf/profile.h"
#include "harness/elf/spec.h"

namespace mh::elf {

enum class Epilogue {
    automatic,  // thunk when the profile says rethunk and knows the CRC of __x86_return_thunk, else ret
    thunk,      // `jmp __x86_return_thunk` + R_X86_64_PLT32, as every Debian module returns
    ret,        // plain `ret` (c3): no imports at all, loads with or without rethunk
};

struct SynthOptions {
    int32_t init_ret = 0;           // value init_module returns (e.g. -131 = -ENOTRECOVERABLE sentinel)
    std::string name = "mh_synth";  // struct module name[] and modinfo name= (max 55 bytes)
    std::string license = "GPL";
    Epilogue epilogue = Epilogue::automatic;
    bool with_exit = true;          // cleanup_module, so a module whose init returns 0 can be unloaded
};

// Sections: .init.text, .rela.init.text, .exit.text, .rela.exit.text, .modinfo, __versions,
// .gnu.linkonce.this_module, .rela.gnu.linkonce.this_module, .bss (empty), .comment, .symtab,
// .strtab, .shstrtab. init: [endbr64] mov $init_ret,%eax; ret|jmp __x86_return_thunk.
Expected<ModuleSpec> synthesize(const KernelProfile& profile, const SynthOptions& options);

// A built-in profile shaped like Debian 6.1 cloud (for tests and fuzz seeds; not for loading).
KernelProfile example_profile();

}  // namespace mh::elf
