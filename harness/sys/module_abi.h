// The module syscalls' ABI as constants: x86-64 syscall numbers and finit_module flags. Host code
// may use these (the C reproducer prints them); only guest code calls the wrappers in syscalls.h.
#pragma once

namespace mh::sys {

// x86-64 numbers (arch/x86/entry/syscalls/syscall_64.tbl).
inline constexpr long kNrInitModule = 175;
inline constexpr long kNrDeleteModule = 176;
inline constexpr long kNrFinitModule = 313;

// include/uapi/linux/module.h
inline constexpr unsigned kModuleInitIgnoreModversions = 1;
inline constexpr unsigned kModuleInitIgnoreVermagic = 2;
inline constexpr unsigned kModuleInitCompressedFile = 4;

}  // namespace mh::sys
