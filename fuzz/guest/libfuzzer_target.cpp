// libFuzzer entry points for the in-guest fuzzer: kernel feedback goes into libFuzzer's extra
// counters (the target code itself is not instrumented, so every feature comes from the kernel).
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "fuzz/guest/target.h"

namespace {

// libFuzzer clears and scans the whole counter array on every run (~110 us for 64 KiB under TCG,
// a tenth of a rejected call): variants that reach few kernel PCs build with a smaller one.
#ifndef MH_FUZZ_COUNTERS
#define MH_FUZZ_COUNTERS (1 << 16)
#endif
constexpr size_t kCounters = MH_FUZZ_COUNTERS;
__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t g_counters[kCounters];
mh::fuzz::Target* g_target = nullptr;

void fold(uint64_t feature, void*) {
    uint8_t& c = g_counters[feature & (kCounters - 1)];
    if (c < 255) ++c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_target = new mh::fuzz::Target;
    if (!g_target->init()) ::_exit(2);  // not inside a harness VM: no module syscall, ever
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A poisoned kernel (WARN, KASAN, oops taint): stop at once; the supervisor reports the input
    // it finds in the shared state and restarts the VM. Exit code 86 says "poisoned", not "bug in us".
    if (!g_target->run(data, size, fold, nullptr)) ::_exit(86);
    return 0;
}
