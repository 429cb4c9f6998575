// Case execution: set up inputs in a child, call the syscall, time it, collect taint and kernel log.
#include "harness/executor/case_runner.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "harness/common/monotonic.h"
#include "harness/inputs/buffers.h"
#include "harness/kernel_log/taint.h"
#include "harness/inputs/fd_kinds.h"
#include "harness/protocol/frame_types.h"

namespace mh::executor {
namespace {

// Written by the child, read by the parent after the child exits (or is killed).
struct SharedResult {
    int stage;  // 0 nothing, 1 set up, 2 syscall returned
    long ret;
    int err;
    uint64_t ns;
    char setup_error[480];
    // The length init_module was given (a relative len= resolved here): echoed to the host,
    // which checks it against its own resolution and records it.
    int len_set;
    unsigned long len;
    // Concurrent cases: one slot per caller (slot 0 is also copied into ret/err/ns).
    int callers_done;
    long rets[protocol::kMaxConcurrent];
    int errs[protocol::kMaxConcurrent];
    uint64_t nss[protocol::kMaxConcurrent];
};

void set_setup_error(SharedResult* r, const std::string& msg) { std::snprintf(r->setup_error, sizeof r->setup_error, "%s", msg.c_str()); }

// Drops CAP_SYS_MODULE from every set (root without the capability: contract P1).
bool drop_cap_sys_module() {
    if (::prctl(PR_CAPBSET_DROP, CAP_SYS_MODULE, 0, 0, 0) != 0) return false;
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &hdr, data) != 0) return false;
    for (auto& d : data) {
        d.effective &= ~(1u << (CAP_SYS_MODULE % 32));
        d.permitted &= ~(1u << (CAP_SYS_MODULE % 32));
        d.inheritable &= ~(1u << (CAP_SYS_MODULE % 32));
    }
    return ::syscall(SYS_capset, &hdr, data) == 0;
}

bool write_sysctl(const std::string& assignment, std::string& error) {
    auto eq = assignment.find('=');
    std::string path = "/proc/sys/" + assignment.substr(0, eq);
    std::string value = assignment.substr(eq + 1);
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
        error = "sysctl " + path + ": " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

// Sets up the input for one caller and makes the call; false (with setup_error set) when the
// input could not be made.
bool one_call(const protocol::GuestCase& c, protocol::Call call, ModuleBackend& backend, const RunnerEnv& env, SharedResult* out,
              sys::RawResult& r, uint64_t& ns) {
    auto params = inputs::prepare_params(c.params_kind, c.params + std::string(c.params_fill, 'x'));
    if (!params) {
        set_setup_error(out, params.error().message);
        return false;
    }
    const char* params_ptr = static_cast<const char*>(params->ptr);
    uint64_t t0 = 0, t1 = 0;
    if (call == protocol::Call::Init) {
        auto buf = inputs::prepare_buffer(c.buffer, c.image);
        if (!buf) {
            set_setup_error(out, buf.error().message);
            return false;
        }
        unsigned long len = protocol::init_len(c, buf->len);
        out->len = len;
        out->len_set = 1;
        out->stage = 1;
        t0 = monotonic_ns();
        r = backend.init_module(buf->ptr, len, params_ptr);
        t1 = monotonic_ns();
    } else if (call == protocol::Call::Finit) {
        auto fd = inputs::prepare_fd(c.fd, c.image, env.scratch_dir);
        if (!fd) {
            set_setup_error(out, fd.error().message);
            return false;
        }
        out->stage = 1;
        t0 = monotonic_ns();
        r = backend.finit_module(fd->fd, params_ptr, static_cast<unsigned long>(c.flags));
        t1 = monotonic_ns();
        inputs::release_fd(*fd);
    } else {
        out->stage = 1;
    }
    ns = t1 - t0;
    return true;
}

// Forks c.concurrent callers that block on a pipe and are released together, so their calls
// overlap in the kernel (idempotent finit_module, duplicate-name waits).
void run_concurrent(const protocol::GuestCase& c, ModuleBackend& backend, const RunnerEnv& env, SharedResult* out) {
    int gate[2];
    if (::pipe(gate) != 0) {
        set_setup_error(out, std::string("pipe: ") + std::strerror(errno));
        ::_exit(0);
    }
    std::vector<pid_t> kids;
    for (int i = 0; i < c.concurrent; ++i) {
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(gate[1]);
            char go;
            (void)::read(gate[0], &go, 1);
            protocol::Call call = (c.race_init && i == c.concurrent - 1) ? protocol::Call::Init : c.call;
            sys::RawResult r{0, 0};
            uint64_t ns = 0;
            if (!one_call(c, call, backend, env, out, r, ns)) ::_exit(0);
            out->rets[i] = r.ret;
            out->errs[i] = r.err;
            out->nss[i] = ns;
            __atomic_add_fetch(&out->callers_done, 1, __ATOMIC_SEQ_CST);
            ::_exit(0);
        }
        if (pid > 0) kids.push_back(pid);
    }
    ::close(gate[0]);
    // Let every caller reach read() before opening the gate: they start within microseconds.
    ::usleep(20000);
    std::string go(static_cast<size_t>(c.concurrent), 'g');
    (void)::write(gate[1], go.data(), go.size());
    ::close(gate[1]);
    for (pid_t k : kids) ::waitpid(k, nullptr, 0);
    if (out->callers_done != c.concurrent && !out->setup_error[0])
        set_setup_error(
            out, "only " + std::to_string(out->callers_done) + " of " + std::to_string(c.concurrent) + " concurrent callers returned");
}

[[noreturn]] void child_main(const protocol::GuestCase& c, ModuleBackend& backend, const RunnerEnv& env, SharedResult* out) {
    std::string err;
    if (!c.sysctl.empty() && !write_sysctl(c.sysctl, err)) {
        set_setup_error(out, err);
        ::_exit(0);
    }
    if (c.privilege == protocol::Privilege::NoCap && !drop_cap_sys_module()) {
        set_setup_error(out, std::string("dropping CAP_SYS_MODULE: ") + std::strerror(errno));
        ::_exit(0);
    }
    if (c.privilege == protocol::Privilege::UserNs && ::unshare(CLONE_NEWUSER) != 0) {
        set_setup_error(out, std::string("unshare(CLONE_NEWUSER): ") + std::strerror(errno));
        ::_exit(0);
    }
    if (c.concurrent > 1) {
        run_concurrent(c, backend, env, out);
        if (out->setup_error[0]) ::_exit(0);
    }
    sys::RawResult r{0, 0};
    uint64_t ns = 0;
    if (c.concurrent == 1) {
        if (!one_call(c, c.call, backend, env, out, r, ns)) ::_exit(0);
    } else {
        r = {out->rets[0], out->errs[0]};
        ns = out->nss[0];
    }
    out->ret = r.ret;
    out->err = r.err;
    out->ns = ns;
    out->stage = 2;
    ::_exit(0);
}

std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) {
        if (!s.empty()) s.push_back('\n');
        s += l;
    }
    // Bounded: a console flood must not make a frame unbounded.
    if (s.size() > 16384) s = s.substr(0, 16384) + "\n[truncated]";
    return s;
}

}  // namespace

CaseOutcome run_case(const protocol::GuestCase& c, ModuleBackend& backend, const RunnerEnv& env) {
    CaseOutcome out;
    KvRecord& rec = out.record;
    rec = protocol::make_record(protocol::FrameType::Result);
    rec.set("idx", std::to_string(c.idx));
    rec.set("id", c.id);

    void* page = ::mmap(nullptr, sizeof(SharedResult), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        rec.set("setup_error", std::string("mmap: ") + std::strerror(errno));
        return out;
    }
    auto* shared = static_cast<SharedResult*>(page);
    std::memset(shared, 0, sizeof *shared);

    // Where a case's guest time goes (the record's *_ns keys): before the child, the child
    // (privileges, input, the call), unloading, and the taint and kernel log reads after.
    const uint64_t t_begin = monotonic_ns();
    uint64_t taint_before = backend.taint();
    (void)backend.new_kernel_log();  // discard anything older than this case
    const uint64_t t_fork = monotonic_ns();

    pid_t pid = ::fork();
    if (pid < 0) {
        rec.set("setup_error", std::string("fork: ") + std::strerror(errno));
        ::munmap(page, sizeof(SharedResult));
        return out;
    }
    if (pid == 0) child_main(c, backend, env, shared);

    int status = 0;
    bool timed_out = false;
    uint64_t deadline = monotonic_ns() + static_cast<uint64_t>(c.timeout_ms) * 1000000ull;
    // Sleep until the child ends or the deadline passes (a pidfd is readable when it ends). A
    // poll loop with short sleeps would wake the guest's only vCPU thousands of times a second
    // while the child runs the call: under TCG every wakeup is emulated timer work taken from the
    // case itself. Without a pidfd (never on a 6.x guest) it polls every 200 us.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // glibc 2.36 declares pidfd_open without C linkage
    for (;;) {
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        const uint64_t now = monotonic_ns();
        if (now <= deadline && pidfd >= 0) {
            pollfd p{pidfd, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>((deadline - now) / 1000000ull) + 1);
            continue;
        }
        if (now > deadline) {
            timed_out = true;
            ::kill(pid, SIGKILL);
            // A task stuck uninterruptibly in the kernel will not die: give it a moment, then move on.
            uint64_t grace = monotonic_ns() + 500000000ull;
            while (::waitpid(pid, &status, WNOHANG) == 0 && monotonic_ns() < grace) ::usleep(1000);
            break;
        }
        ::usleep(200);
    }
    if (pidfd >= 0) ::close(pidfd);
    const uint64_t t_reaped = monotonic_ns();

    bool loaded = shared->stage == 2 && shared->ret == 0 && c.call != protocol::Call::None;
    if (c.concurrent > 1 && shared->stage == 2) {
        std::string rets, errs;
        for (int i = 0; i < c.concurrent; ++i) {
            rets += (i ? "," : "") + std::to_string(shared->rets[i]);
            errs += (i ? "," : "") + std::to_string(shared->errs[i]);
            loaded |= shared->rets[i] == 0;
        }
        rec.set("rets", rets);
        rec.set("errnos", errs);
    }
    if (shared->setup_error[0]) rec.set("setup_error", shared->setup_error);
    if (shared->len_set) rec.set("len", std::to_string(shared->len));
    if (shared->stage == 2) {
        rec.set("ret", std::to_string(shared->ret));
        rec.set("errno", std::to_string(shared->err));
        rec.set("ns", std::to_string(shared->ns));
    }
    if (timed_out) rec.set("timed_out", "1");
    if (!timed_out && WIFSIGNALED(status)) rec.set("signal", std::to_string(WTERMSIG(status)));

    const uint64_t t_unload = monotonic_ns();
    if (loaded && c.unload && !c.module_name.empty()) {
        auto u = backend.delete_module(c.module_name.c_str(), O_NONBLOCK);
        rec.set("unload", std::to_string(u.err));
    }
    const uint64_t t_after = monotonic_ns();
    uint64_t taint_after = backend.taint();
    rec.set("taint_before", hex(taint_before));
    rec.set("taint_after", hex(taint_after));
    auto log = backend.new_kernel_log();
    if (!log.empty()) rec.set("kmsg", join_lines(log));
    const uint64_t t_end = monotonic_ns();
    rec.set("prepare_ns", std::to_string(t_fork - t_begin));
    rec.set("child_ns", std::to_string(t_reaped - t_fork));
    rec.set("unload_ns", std::to_string(t_after - t_unload));
    rec.set("observe_ns", std::to_string(t_end - t_after));

    uint64_t added = taint_after & ~taint_before;
    // D/W/B/L/M taints: the kernel is not trusted for further cases.
    out.poisoned = timed_out || kernel_log::is_poisoning_taint(added) || (!timed_out && WIFSIGNALED(status)) || c.poison_after;
    if (out.poisoned) rec.set("poisoned", "1");
    ::munmap(page, sizeof(SharedResult));
    return out;
}

}  // namespace mh::executor
