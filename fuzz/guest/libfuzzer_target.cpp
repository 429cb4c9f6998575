// libFuzzer entry points for the in-guest fuzzer: kernel feedback goes into libFuzzer's extra
// counters (the target code itself is not instrumented, so every feature comes from the kernel).
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "fuzz/guest/target.h"

namespace {

constexpr size_t kCounters = 1 << 16;
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
