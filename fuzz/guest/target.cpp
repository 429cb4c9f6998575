// Guest fuzz target core (see target.h).
#include "fuzz/guest/target.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/guest/call_exec.h"
#include "fuzz/guest/kcov.h"
#include "harness/protocol/shared_state.h"
#include "harness/guest_guard/machine.h"
#include "harness/common/monotonic.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/kernel_log/module_log_class.h"
#include "harness/kernel_log/taint.h"

namespace mh::fuzz {

namespace {

uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

// Open-addressing set of PCs this process has seen (first sightings go to the host).
class PcSet {
public:
    PcSet() : slots_(1 << 18, 0) {}
    bool insert(uint64_t pc) {
        if (used_ * 2 > slots_.size()) grow();
        return insert_into(slots_, pc);
    }

private:
    bool insert_into(std::vector<uint64_t>& t, uint64_t pc) {
        for (size_t i = mix(pc) & (t.size() - 1);; i = (i + 1) & (t.size() - 1)) {
            if (t[i] == pc) return false;
            if (t[i] == 0) {
                t[i] = pc;
                ++used_;
                return true;
            }
        }
    }
    void grow() {
        std::vector<uint64_t> bigger(slots_.size() * 2, 0);
        used_ = 0;
        for (uint64_t pc : slots_)
            if (pc) insert_into(bigger, pc);
        slots_.swap(bigger);
    }
    std::vector<uint64_t> slots_;
    size_t used_ = 0;
};

long read_long(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? std::strtol(buf, nullptr, 10) : 0;
}

}  // namespace

struct Target::Impl {
    protocol::SharedState* state = nullptr;
    protocol::SharedState local{};  // used when no supervisor made the shared file (standalone runs)
    Kcov kcov;
    CallExecutor exec;
    PcSet seen;
    int taint_fd = -1;
    int kmsg_fd = -1;
    bool recheck = true;  // read the taint before the next call too (see run)

    // Kernel-log classes of the lines this call printed (black-box feedback).
    std::vector<std::string> new_log_classes() {
        std::vector<std::string> out;
        char rec[2048];
        for (;;) {
            const ssize_t n = ::read(kmsg_fd, rec, sizeof rec - 1);
            if (n <= 0) break;  // EAGAIN: nothing new; EPIPE: overrun, keep going next time
            rec[n] = 0;
            const char* text = std::strchr(rec, ';');
            kernel_log::LogClass cls = kernel_log::classify_module_log(text ? text + 1 : rec);
            // Frames and registers add nothing to the line that opened their dump, and noise (the
            // clocksource watchdog, a seed's own printk) is not about the input: no feature.
            if (cls.name.empty() || cls.role == kernel_log::LogRole::kDetail || cls.role == kernel_log::LogRole::kNoise) continue;
            out.push_back(std::move(cls.name));
        }
        return out;
    }
};

Target::Target() : impl_(std::make_unique<Impl>()) {}
Target::~Target() = default;

bool Target::init() {
    if (auto why = guest_guard::refusal_as_descendant()) {
        std::fprintf(stderr, "mh-fuzz: refusing to run: %s\nmh-fuzz: this program runs only inside a modharness fuzzing VM.\n",
                     why->c_str());
        return false;
    }
    Impl& m = *impl_;
    m.state = protocol::map_shared_state(false);
    if (!m.state) {
        m.state = &m.local;
        m.local.magic = protocol::kSharedStateMagic;
    }
    if (!m.kcov.open()) {
        m.kmsg_fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (m.kmsg_fd >= 0) ::lseek(m.kmsg_fd, 0, SEEK_END);
    }
    m.state->feedback_kind = m.kcov.active() ? 1 : 2;
    m.exec.load_environment(kEnvironmentDir);
    m.taint_fd = ::open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
    return true;
}

bool Target::kcov() const { return impl_->kcov.active(); }

bool Target::run(const uint8_t* data, size_t size, FeedbackSink sink, void* ctx) {
    Impl& m = *impl_;
    protocol::SharedState& st = *m.state;
    // The input in the shared state (the previous one) is the culprit: keep it. The taint file is
    // read here only when the previous call may have left work behind (first call of this process,
    // or a module was loaded); after a rejected call the check that ended it is still current.
    if (m.recheck ? !poison_check(st) : st.taint_added.load(std::memory_order_acquire) != 0) return false;
    const size_t keep = std::min(size, protocol::kMaxSharedInput);
    std::memcpy(st.input, data, keep);
    st.input_len.store(static_cast<uint32_t>(keep), std::memory_order_relaxed);
    st.input_truncated.store(keep < size, std::memory_order_relaxed);
    st.input_seq.fetch_add(1, std::memory_order_release);

    const uint64_t t0 = monotonic_ns();
    protocol::PhaseClock clock(st.phase_ns);
    const mutate::FuzzInput in = mutate::decode({data, size});
    m.kcov.reset();
    clock.mark(protocol::ExecPhase::Setup);
    const uint64_t c0 = monotonic_ns();
    const CallResult r = m.exec.run(in, &clock);
    const uint64_t call_ns = monotonic_ns() - c0;

    for (const auto pcs : {m.kcov.pcs(), m.exec.racer_pcs()}) {
        uint64_t prev = 0;
        for (uint64_t pc : pcs) {
            sink(mix(pc ^ (prev >> 1)), ctx);  // edges: a PC and its predecessor
            prev = pc;
            if (m.seen.insert(pc)) {
                const uint64_t head = st.pc_head.load(std::memory_order_relaxed);
                if (head - st.pc_tail.load(std::memory_order_acquire) < protocol::kPcRingSize) {
                    st.pc_ring[head % protocol::kPcRingSize] = pc;
                    st.pc_head.store(head + 1, std::memory_order_release);
                } else {
                    st.pc_dropped.fetch_add(1, std::memory_order_relaxed);
                }
            }
        }
    }
    // The outcome itself is a feature on every kernel (and the only one without KCOV).
    uint64_t outcome = mix(0x5eed0000ull + static_cast<uint64_t>(r.err) * 2 + (r.ret == 0));
    sink(outcome, ctx);
    if (m.kmsg_fd >= 0)
        for (const auto& cls : m.new_log_classes()) sink(mix(outcome ^ std::hash<std::string>{}(cls)), ctx);

    st.execs.fetch_add(1, std::memory_order_relaxed);
    const size_t slot = r.ret == 0 ? 0 : std::min<size_t>(static_cast<size_t>(r.err), protocol::kErrnoSlots - 1);
    if (r.ret == 0)
        st.loaded.fetch_add(1, std::memory_order_relaxed);
    else
        st.errno_counts[slot].fetch_add(1, std::memory_order_relaxed);
    st.errno_ns[slot].fetch_add(call_ns, std::memory_order_relaxed);
    clock.mark(protocol::ExecPhase::Feedback);
    const bool clean = poison_check(st);
    clock.mark(protocol::ExecPhase::TaintCheck);
    m.recheck = r.ret == 0 || in.call.actions != 0;  // a load, or actions that may load (the racer)
    st.target_ns.fetch_add(monotonic_ns() - t0, std::memory_order_relaxed);
    return clean;
}

bool Target::poison_check(protocol::SharedState& st) {
    Impl& m = *impl_;
    if (st.taint_added.load(std::memory_order_acquire) != 0) return false;
    if (m.taint_fd < 0) return true;
    const auto now = static_cast<uint64_t>(read_long(m.taint_fd));
    if (!st.taint_base_valid.load(std::memory_order_acquire)) {
        st.taint_base.store(now, std::memory_order_relaxed);
        st.taint_base_valid.store(1, std::memory_order_release);
        return true;
    }
    const uint64_t added = kernel_log::taint_added(st.taint_base.load(std::memory_order_relaxed), now);
    if (kernel_log::is_poisoning_taint(added)) {
        st.taint_added.store(added, std::memory_order_release);
        return false;
    }
    st.taint_base.store(now, std::memory_order_relaxed);  // harmless taints (unsigned module, out-of-tree)
    return true;
}

}  // namespace mh::fuzz
