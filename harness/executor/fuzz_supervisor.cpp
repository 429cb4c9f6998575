// The guest fuzz supervisor (see fuzz_supervisor.h).
#include "harness/executor/fuzz_supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>

#include "harness/protocol/shared_state.h"
#include "harness/common/kv.h"
#include "harness/common/monotonic.h"
#include "harness/common/packed_bytes.h"
#include "harness/common/text.h"
#include "harness/executor/kmsg.h"
#include "harness/executor/peer_import.h"
#include "harness/kernel_log/taint.h"
#include "harness/protocol/frame_types.h"

namespace mh::executor {

namespace {

using protocol::SharedState;

std::string read_file(const std::string& path, size_t limit) {
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    char buf[65536];
    for (ssize_t n; out.size() < limit && (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::string tail_of(const std::string& path, size_t bytes) {
    std::string all = read_file(path, 16 << 20);
    return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

void write_proc(const char* path, const char* value) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    [[maybe_unused]] auto n = ::write(fd, value, std::strlen(value));
    ::close(fd);
}

// The end of the kernel log (all levels, unlike the console at loglevel 1): where WARN and KASAN
// reports are when the console stays quiet for speed.
std::string kernel_log_tail(size_t bytes) {
    std::string text;
    const int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return text;
    char buf[8192];
    for (int i = 0; i < 100000; ++i) {
        const ssize_t n = ::read(fd, buf, sizeof buf - 1);
        if (n < 0 && errno == EPIPE) continue;  // overwritten while we read: go on with what is left
        if (n <= 0) break;
        text += kmsg_record_text(std::string(buf, static_cast<size_t>(n))) + "\n";
        if (text.size() > 4 * bytes) text.erase(0, text.size() - 2 * bytes);
    }
    ::close(fd);
    return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

// Returns once /dev/kmsg has had no new record for 150 ms (or after 1 s of a kernel that keeps
// printing): a fixed second after every crash was most of a restored VM's restart time.
void wait_for_quiet_kernel_log() {
    const int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        ::sleep(1);
        return;
    }
    ::lseek(fd, 0, SEEK_END);
    const double start = monotonic_seconds();
    double last_record = start;
    char buf[8192];
    while (monotonic_seconds() - start < 1.0 && monotonic_seconds() - last_record < 0.15) {
        ::usleep(25 * 1000);
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EPIPE) continue;  // overwritten while we read: still news
            if (n <= 0) break;
            last_record = monotonic_seconds();
        }
    }
    ::close(fd);
}

class Reporter {
public:
    Reporter(ResultsPort& port, SharedState& st, std::string watch) : port_(port), st_(st), watch_(std::move(watch)) {}
    uint64_t imported = 0;  // peer inputs written for the engine (peer_import.h)
    // A file the host gave (a peer's input): not new, so not sent back.
    void mark_sent(const std::string& name) { sent_.insert(name); }
    double started = monotonic_seconds();
    double sending = 0;  // seconds spent writing frames (the serial port costs guest CPU)

    // New PCs (in frames of at most 400), counters; always one stats frame.
    void stats(const char* phase) {
        std::vector<uint64_t> pcs;
        uint64_t tail = st_.pc_tail.load(std::memory_order_relaxed);
        const uint64_t head = st_.pc_head.load(std::memory_order_acquire);
        for (; tail < head; ++tail) pcs.push_back(st_.pc_ring[tail % protocol::kPcRingSize]);
        st_.pc_tail.store(tail, std::memory_order_release);
        for (size_t at = 0; at < pcs.size(); at += 400) {
            std::string list;
            for (size_t i = at; i < pcs.size() && i < at + 400; ++i) {
                char b[24];
                std::snprintf(b, sizeof b, "%s%llx", list.empty() ? "" : ",", static_cast<unsigned long long>(pcs[i]));
                list += b;
            }
            KvRecord r = protocol::make_record(protocol::FrameType::Pcs);
            r.set("pcs", list);
            port_.send(r);
        }
        KvRecord r = protocol::make_record(protocol::FrameType::Stats);
        r.set("phase", phase);
        r.set("execs", std::to_string(st_.execs.load()));
        r.set("loaded", std::to_string(st_.loaded.load()));
        r.set("feedback", st_.feedback_kind.load() == 1 ? "kcov" : st_.feedback_kind.load() == 2 ? "blackbox" : "none");
        r.set("pc_dropped", std::to_string(st_.pc_dropped.load()));
        r.set("imported", std::to_string(imported));
        if (std::string_view(phase) == "final") r.set("engine_imported", std::to_string(engine_imported()));
        std::string errnos;
        for (size_t e = 0; e < protocol::kErrnoSlots; ++e)
            if (uint64_t n = st_.errno_counts[e].load())
                errnos += (errnos.empty() ? "" : ",") + std::to_string(e) + ":" + std::to_string(n);
        r.set("errnos", errnos);
        // Time per exec phase (protocol::ExecPhase), microseconds, "phase index:us,...".
        std::string phases;
        for (size_t i = 0; i < protocol::kExecPhases; ++i)
            phases += (i ? "," : "") + std::to_string(i) + ":" + std::to_string(st_.phase_ns[i].load() / 1000);
        r.set("phases_us", phases);
        // Milliseconds spent inside calls, by outcome (0 = loaded), and inside the target overall.
        std::string ms;
        for (size_t e = 0; e < protocol::kErrnoSlots; ++e)
            if (uint64_t n = st_.errno_ns[e].load()) ms += (ms.empty() ? "" : ",") + std::to_string(e) + ":" + std::to_string(n / 1000000);
        r.set("call_ms", ms);
        r.set("target_ms", std::to_string(st_.target_ns.load() / 1000000));
        r.set("mutator_ms", std::to_string(st_.mutator_ns.load() / 1000000));
        r.set("engine_ms", std::to_string(static_cast<long>((monotonic_seconds() - started) * 1000)));
        r.set("send_ms", std::to_string(static_cast<long>(sending * 1000)));
        port_.send(r);
    }

    // What the engine itself says it took from its peers: libFuzzer's RELOAD lines (a re-read of
    // its corpus that added coverage), AFL++'s corpus_imported (fuzzer_stats of its own instance;
    // the relayed peer directories have none).
    static uint64_t engine_imported() {
        uint64_t n = 0;
        const std::string log = read_file("/tmp/engine.log", 64 << 20);
        for (size_t at = log.find("\tRELOAD"); at != std::string::npos; at = log.find("\tRELOAD", at + 1)) ++n;
        if (DIR* d = ::opendir("/tmp/afl")) {
            while (dirent* e = ::readdir(d)) {
                if (e->d_name[0] == '.') continue;
                const std::string stats = read_file(std::string("/tmp/afl/") + e->d_name + "/fuzzer_stats", 1 << 16);
                const size_t key = stats.find("corpus_imported");
                const size_t colon = key == std::string::npos ? key : stats.find(':', key);
                if (colon != std::string::npos) n += std::strtoull(stats.c_str() + colon + 1, nullptr, 10);
            }
            ::closedir(d);
        }
        return n;
    }

    // Files that appeared in the watched directory since the last call (at most `max` per call).
    void corpus(size_t max) {
        DIR* d = ::opendir(watch_.c_str());
        if (!d) return;
        size_t sent = 0;
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] == '.' || sent_.count(e->d_name)) continue;
            const std::string path = watch_ + "/" + e->d_name;
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            const std::string bytes = read_file(path, 4 << 20);
            KvRecord r = protocol::make_record(protocol::FrameType::Corpus);
            r.set("name", e->d_name);
            r.set("size", std::to_string(bytes.size()));
            r.set("data", pack_bytes(bytes));
            const double t0 = monotonic_seconds();
            port_.send(r);
            sending += monotonic_seconds() - t0;
            sent_.insert(e->d_name);
            if (++sent >= max) break;
        }
        ::closedir(d);
    }

private:
    ResultsPort& port_;
    SharedState& st_;
    std::string watch_;
    std::set<std::string> sent_;
};

}  // namespace

Expected<FuzzSupervisorConfig> parse_fuzz_conf(const std::string& text) {
    FuzzSupervisorConfig c;
    for (auto [line, n] : lines(text)) {
        if (line.empty() || line[0] == '#') continue;
        auto rec = kv_parse(line);
        if (!rec) return make_error("fuzz.conf line " + std::to_string(n) + ": " + rec.error().message);
        const auto type = protocol::frame_type(*rec);
        const std::string value = rec->get("value").value_or("");
        if (type == protocol::FrameType::Fuzz) {
            if (auto v = rec->get("hang_s")) c.hang_seconds = std::atoi(v->c_str());
            if (auto v = rec->get("stats_s")) c.stats_seconds = std::atoi(v->c_str());
            if (auto v = rec->get("watch")) c.watch_dir = *v;
            if (auto v = rec->get("import")) c.import = *v;
        } else if (type == protocol::FrameType::Arg) {
            c.argv.push_back(value);
        } else if (type == protocol::FrameType::Env) {
            c.env.push_back(value);
        } else if (type == protocol::FrameType::Mkdir) {
            c.make_dirs.push_back(value);
        } else {
            return make_error("fuzz.conf line " + std::to_string(n) + ": unknown type '" + rec->get_or("type", "") + "'");
        }
    }
    if (c.argv.empty()) return make_error("fuzz.conf: no engine command (type=arg lines)");
    if (c.hang_seconds < 1 || c.stats_seconds < 1) return make_error("fuzz.conf: hang_s and stats_s must be >= 1");
    if (!c.import.empty() && !c.import.starts_with("dir:/") && !c.import.starts_with("afl:/"))
        return make_error("fuzz.conf: import must be dir:/PATH or afl:/PATH (got '" + c.import + "')");
    return c;
}

void run_fuzz_supervisor(ResultsPort& port, const FuzzSupervisorConfig& config) {
    // An oops must kill only the calling task, so this process lives to name the input.
    write_proc("/proc/sys/kernel/panic_on_oops", "0");
    write_proc("/proc/sys/kernel/panic_on_warn", "0");
    for (const auto& d : config.make_dirs) ::mkdir(d.c_str(), 0755);
    ::mkdir(config.watch_dir.c_str(), 0755);
    SharedState* st = protocol::map_shared_state(true);
    if (!st) {
        KvRecord err = protocol::make_record(protocol::FrameType::Error);
        err.set("message", std::string("cannot create ") + protocol::kSharedStatePath + ": " + std::strerror(errno));
        port.send(err);
        power_off();
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int log = ::open("/tmp/engine.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) {
            ::dup2(log, 1);
            ::dup2(log, 2);
        }
        for (const auto& e : config.env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv;
        for (const auto& a : config.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
        ::_exit(127);
    }
    Reporter rep(port, *st, config.watch_dir);
    std::optional<PeerImport> peers;
    if (!config.import.empty())
        peers.emplace(config.import.starts_with("afl:") ? ImportLayout::Afl : ImportLayout::Dir, config.import.substr(4));
    KvRecord started = protocol::make_record(protocol::FrameType::Engine);
    started.set("pid", std::to_string(pid));
    port.send(started);

    // A poisoning taint the target has not flagged: an oops kills only the calling thread, so the
    // engine process may live on (its other threads) and would otherwise wait for the hang timeout.
    auto kernel_poisoned = [&st] {
        if (st->taint_added.load() != 0) return true;
        if (!st->taint_base_valid.load()) return false;
        const auto now = kernel_log::parse_taint_text(read_file("/proc/sys/kernel/tainted", 64));
        if (!now) return false;
        const uint64_t added = kernel_log::taint_added(st->taint_base.load(), *now);
        if (!kernel_log::is_poisoning_taint(added)) return false;
        st->taint_added.store(added);
        return true;
    };
    uint64_t last_execs = 0;
    double last_progress = monotonic_seconds(), last_stats = 0;
    int status = 0;
    bool hung = false;
    for (;;) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        const double now = monotonic_seconds();
        const uint64_t execs = st->execs.load();
        if (execs != last_execs) {
            last_execs = execs;
            last_progress = now;
        }
        if (peers) {
            peers->poll([&rep](const std::string& name) { rep.mark_sent(name); });
            rep.imported = peers->imported();
        }
        if (now - last_stats >= config.stats_seconds) {
            rep.stats("run");
            rep.corpus(32);
            last_stats = now;
        }
        // A poisoning taint (AFL++ keeps going after its child dies; an oopsed libFuzzer thread
        // leaves the process alive): report at once, not after the hang timeout.
        if (kernel_poisoned()) break;
        if (now - last_progress > config.hang_seconds && execs > 0) {
            hung = true;  // the engine is stuck in a call; it cannot be killed out of the kernel, so report now
            break;
        }
        ::usleep(50 * 1000);
    }
    rep.stats("final");
    if (!hung) rep.corpus(1 << 20);

    (void)kernel_poisoned();  // the engine died without a word (an oops killed the calling task)
    const uint64_t taint = st->taint_added.load();
    const bool clean_end = !hung && WIFEXITED(status) && WEXITSTATUS(status) == 0 && taint == 0;
    KvRecord r;
    if (clean_end) {
        r = protocol::make_record(protocol::FrameType::End);
    } else {
        r = protocol::make_record(protocol::FrameType::Crash);
        std::string kind = hung                  ? "hang"
                           : taint               ? "taint"
                           : WIFSIGNALED(status) ? "signal-" + std::to_string(WTERMSIG(status))
                                                 : "exit-" + std::to_string(WEXITSTATUS(status));
        r.set("kind", kind);
        r.set("taint_added", std::to_string(taint));
        const uint32_t len = st->input_len.load();
        r.set("input_seq", std::to_string(st->input_seq.load()));
        r.set("input_truncated", st->input_truncated.load() ? "1" : "0");
        if (st->input_seq.load() > 0) {
            r.set("input_size", std::to_string(len));
            r.set("input", pack_bytes(std::string_view(reinterpret_cast<const char*>(st->input), len)));
        }
        // Let the kernel finish its report (usually printed by the time the taint shows), then send
        // the log's end with the input.
        wait_for_quiet_kernel_log();
        const std::string klog = kernel_log_tail(24 * 1024);
        r.set("kmsg_size", std::to_string(klog.size()));
        r.set("kmsg", pack_bytes(klog));
    }
    r.set("engine_log", tail_of("/tmp/engine.log", 3000));
    port.send(r);
    power_off();
}

}  // namespace mh::executor
