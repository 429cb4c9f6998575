// A case as the guest executor runs it: every input already resolved to a file in the initramfs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/common/kv.h"

namespace mh::protocol {

enum class Call { Init, Finit, None };
enum class Privilege { Root, NoCap, UserNs };

inline constexpr int kMaxConcurrent = 8;
inline constexpr std::size_t kMaxIdLen = 200;  // case ids: letters, digits and ._:+@/-

struct GuestCase {
    int idx = 0;
    std::string id;
    Call call = Call::Finit;
    std::string image;  // path inside the guest ("" = no image)
    std::string module_name;  // for delete_module after a successful load
    std::string buffer = "image";  // inputs::buffer kinds (init_module)
    bool has_len = false;  // pass `len` instead of the image length
    uint64_t len = 0;
    // len relative to the image: "image+N", "image-N", "image/N" (len_op '+', '-', '/').
    char len_op = 0;
    std::string fd = "file";  // inputs::fd kinds (finit_module)
    uint64_t flags = 0;
    std::string params;  // param_values text
    uint64_t params_fill = 0;  // 'x' bytes appended to params (long-string cases)
    std::string params_kind = "string";
    Privilege privilege = Privilege::Root;
    uint32_t timeout_ms = 10000;
    bool unload = true;
    bool poison_after = false;  // e.g. modules_disabled: the VM is not reusable afterwards
    // Milliseconds the executor waits after this case's result before the next case, so what the
    // case left behind (a work item, an RCU callback) reports while no case runs.
    uint32_t settle_ms = 0;
    std::string sysctl;  // "path=value" written under /proc/sys before the call
    // Concurrency (contract §2.7): `concurrent` callers start the call at the same moment, each
    // with its own fd on the same file (same inode); with race=init the last one calls
    // init_module with the same image instead.
    int concurrent = 1;
    bool race_init = false;
    // Set only in LAVA jobs (modharness lava-job): the errnos (0 = success) the case file expects,
    // so the executor can print a pass/fail line a LAVA monitor turns into a test case while the
    // job runs. The contract verdict is still the host's (modharness lava-results). "any": all pass.
    std::vector<int> console_expect;
    bool console_expect_any = false;
};

// A LAVA console line for one result: pass when the case's (first) caller's errno is one of
// console_expect; "" when the case carries no console_expect.
std::string console_case_line(const GuestCase& c, const KvRecord& result);

// Parses and validates a case record (unknown keys and bad values are errors naming the key).
Expected<GuestCase> parse_guest_case(const KvRecord& rec);
KvRecord to_record(const GuestCase& c);

// Whether a caller of this case calls init_module: call=init, or the last caller of a race=init.
bool calls_init(const GuestCase& c);

// The length init_module is given for an image of `image_len` bytes.
unsigned long effective_len(const GuestCase& c, unsigned long image_len);
// The length init_module is given when the case's image file has `image_bytes` bytes: a
// relative len counts from the image's size for buffer kinds that hold the image and from 0 for
// the others (null, unmapped...). The executor passes it and the host records it: one rule.
unsigned long init_len(const GuestCase& c, uint64_t image_bytes);
// The case's `len` as written in the case file: "4096", "image-1", "image/2"; "" without len=.
std::string len_expression(const GuestCase& c);

// Numbers in case files: decimal, 0x hex, or negative (two's complement for flags).
Expected<uint64_t> parse_u64(const std::string& text);

}  // namespace mh::protocol
