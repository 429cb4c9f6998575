// The only place with module syscall numbers and raw wrappers (glibc wraps none of them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mh::sys {

// x86-64 numbers (arch/x86/entry/syscalls/syscall_64.tbl).
inline constexpr long kNrInitModule = 175;
inline constexpr long kNrDeleteModule = 176;
inline constexpr long kNrFinitModule = 313;

// include/uapi/linux/module.h
inline constexpr unsigned kModuleInitIgnoreModversions = 1;
inline constexpr unsigned kModuleInitIgnoreVermagic = 2;
inline constexpr unsigned kModuleInitCompressedFile = 4;

// Raw results: return value of syscall(2) and errno captured right after it.
struct RawResult {
    long ret;
    int err;
};

// These call the kernel directly. They are linked only into the guest executor and
// into tests that prove the executor refuses to run on a host (never reached there).
RawResult init_module(const void* image, unsigned long len, const char* params);
RawResult finit_module(int fd, const char* params, unsigned long flags);
RawResult delete_module(const char* name, unsigned flags);

}  // namespace mh::sys
