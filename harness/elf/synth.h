// Compiler-free synthesis of a loadable module for a kernel profile, whose init returns a chosen value.
#pragma once

#include <cstdint>
#include <string>

#include "harness/common/expected.h"
#include "harness/elf/profile.h"
#include "harness/elf/spec.h"

namespace mh::elf {

enum class Epilogue {
    automatic,  // = ret: the form the VM tests load on Debian 6.1 and 6.12 without any WARN
    thunk,  // `jmp __x86_return_thunk` (R_X86_64_PLT32) listed in .return_sites so the loader
    // patches it, as every Debian module returns (not yet VM-verified)
    ret,  // plain `ret` (c3)
};

struct SynthOptions {
    int32_t init_ret = 0;  // value init_module returns (e.g. -131 = -ENOTRECOVERABLE sentinel)
    std::string name = "mh_synth";  // struct module name[] and modinfo name= (max 55 bytes)
    std::string license = "GPL";
    Epilogue epilogue = Epilogue::automatic;
    bool with_exit = true;  // cleanup_module, so a module whose init returns 0 can be unloaded
    bool imports = true;  // import __x86_return_thunk when the profile knows its CRC (see below)
};

// Sections: .init.text, .exit.text, .modinfo, __versions, .gnu.linkonce.this_module and its
// relocations, .bss (empty), .comment, .symtab, .strtab, .shstrtab; with the thunk epilogue also
// .rela.init.text, .rela.exit.text, .return_sites. init: [endbr64] mov $init_ret,%eax; ret|jmp.
// When the profile knows the CRC of __x86_return_thunk (the kernel exports it), the module also
// imports it through one unexecuted PC32 reference in .rodata.mh_imports (+ __versions entry), so
// symbol-resolution, CRC and 32-bit relocation malformations have something to act on.
// An exit-only-thunk mismatch is impossible: both functions use the same epilogue.
Expected<ModuleSpec> synthesize(const KernelProfile& profile, const SynthOptions& options);

// A built-in profile shaped like Debian 6.1 cloud (for tests and fuzz seeds; not for loading).
KernelProfile example_profile();

}  // namespace mh::elf
