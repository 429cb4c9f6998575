// AFL++ target for the in-guest fuzzer (mh-afl-target, run by afl-fuzz as /fuzz/engine): deferred
// forkserver, persistent mode, test cases in shared memory; the kernel's features go into AFL's
// coverage map. This file is compiled by plain clang and linked with AFL++'s runtime object, so
// our own code adds nothing to the map: every entry comes from the kernel.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/guest/target.h"

// What afl-clang-fast's __AFL_FUZZ_INIT / __AFL_INIT / __AFL_LOOP expand to, spelled out.
// (Compiling this file with afl-clang-fast++ would also instrument it, and AFL++ then sizes the
// map by our handful of edges instead of its default 64 KiB.)
extern "C" {
int __afl_sharedmem_fuzzing = 1;  // overrides the runtime's weak default: inputs in shared memory
extern unsigned int* __afl_fuzz_len;
extern unsigned char* __afl_fuzz_ptr;
extern unsigned char* __afl_area_ptr;
extern unsigned int __afl_map_size;
int __afl_persistent_loop(unsigned int max_cnt);
void __afl_manual_init(void);
}

namespace {

// afl-fuzz looks for these markers in the binary to use persistent mode and a deferred forkserver.
__attribute__((used)) const char kPersistentSignature[] = "##SIG_AFL_PERSISTENT##";
__attribute__((used)) const char kDeferredSignature[] = "##SIG_AFL_DEFER_FORKSRV##";

// Inputs per forked child: a child is replaced only after this many, or when it dies.
constexpr unsigned kIterationsPerChild = 1000000;

void fold(uint64_t feature, void*) {
    // Entry 0 is AFL's "map is live" marker; hit counts never wrap to zero (AFL++'s NeverZero).
    uint8_t& c = __afl_area_ptr[1 + feature % (__afl_map_size - 1)];
    c = static_cast<uint8_t>(c + 1 + (c == 255));
}

std::vector<uint8_t> read_stdin() {
    std::vector<uint8_t> out;
    uint8_t buf[65536];
    for (ssize_t n; (n = ::read(0, buf, sizeof buf)) > 0;) out.insert(out.end(), buf, buf + n);
    return out;
}

}  // namespace

int main() {
    // Guard first, before there is a forkserver: outside a harness VM, exit without a module
    // syscall. The probe is closed again because KCOV follows one task, and each forked child
    // enables its own below.
    {
        mh::fuzz::Target probe;
        if (!probe.init()) return 2;
    }
    __afl_manual_init();  // under afl-fuzz, what follows runs in forked children
    mh::fuzz::Target target;
    if (!target.init()) ::_exit(2);
    while (__afl_persistent_loop(kIterationsPerChild)) {
        if (!__afl_fuzz_ptr) {
            // Not under afl-fuzz (a replay inside the VM): one input from stdin.
            const auto input = read_stdin();
            if (!target.run(input.data(), input.size(), fold, nullptr)) ::_exit(86);
            break;
        }
        // A poisoned kernel (WARN, KASAN, oops taint): stop at once; the supervisor reports the
        // input it finds in the shared state. Exit code 86 says "poisoned", not "bug in us".
        if (!target.run(__afl_fuzz_ptr, *__afl_fuzz_len, fold, nullptr)) ::_exit(86);
    }
    return 0;
}
