// The in-guest measurements. Only the operation itself is inside the timed region; set-up (warming
// or dropping the page cache, unloading) is outside it and its cost is reported separately.
#include "bench/guest/load_benchmarks.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <lzma.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "bench/guest/module_store.h"
#include "harness/sys/syscalls.h"

namespace mh::bench {
namespace {

long long now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

int open_ro(const std::string& path) { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }

uint64_t file_size(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool read_exact(int fd, char* dst, uint64_t n) {
    uint64_t off = 0;
    while (off < n) {
        ssize_t r = ::pread(fd, dst + off, n - off, static_cast<off_t>(off));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        off += static_cast<uint64_t>(r);
    }
    return true;
}

// Pulls a file into the page cache (untimed): the warm paths must not pay for an earlier drop.
void warm(const std::string& path) {
    int fd = open_ro(path);
    if (fd < 0) return;
    uint64_t n = file_size(fd);
    std::unique_ptr<char[]> scratch(new char[1 << 20]);
    for (uint64_t off = 0; off < n;) {
        ssize_t r = ::pread(fd, scratch.get(), 1 << 20, static_cast<off_t>(off));
        if (r <= 0) break;
        off += static_cast<uint64_t>(r);
    }
    ::close(fd);
}

const std::vector<char>& buffer_of(BenchContext& ctx, const std::string& path) {
    auto it = ctx.buffers.find(path);
    if (it != ctx.buffers.end()) return it->second;
    std::vector<char> buf;
    int fd = open_ro(path);
    if (fd >= 0) {
        buf.resize(file_size(fd));
        if (!read_exact(fd, buf.data(), buf.size())) buf.clear();
        ::close(fd);
    }
    return ctx.buffers.emplace(path, std::move(buf)).first->second;
}

// User-space xz decoding as kmod does it when the kernel cannot (liblzma stream decoder).
bool xz_decode(const char* in, size_t in_len, std::vector<char>& out, size_t expect) {
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return false;
    out.resize(expect > 0 ? expect : in_len * 4);
    s.next_in = reinterpret_cast<const uint8_t*>(in);
    s.avail_in = in_len;
    s.next_out = reinterpret_cast<uint8_t*>(out.data());
    s.avail_out = out.size();
    lzma_ret r;
    while ((r = lzma_code(&s, LZMA_FINISH)) == LZMA_OK) {
        size_t used = out.size() - s.avail_out;
        out.resize(out.size() * 2);
        s.next_out = reinterpret_cast<uint8_t*>(out.data() + used);
        s.avail_out = out.size() - used;
    }
    size_t used = out.size() - s.avail_out;
    lzma_end(&s);
    out.resize(used);
    return r == LZMA_STREAM_END;
}

using LoadOp = std::function<sys::RawResult()>;

// One timed load followed by one separately timed unload.
void run_load(benchmark::State& state, BenchContext& ctx, const std::string& bench_name, const ModuleEntry& m,
              const std::function<void()>& prepare, const LoadOp& load) {
    for (auto _ : state) {
        state.PauseTiming();
        prepare();
        state.ResumeTiming();
        long long t0 = now_ns();
        sys::RawResult r = load();
        long long t1 = now_ns();
        int err = r.ret == 0 ? 0 : r.err;
        state.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
        state.counters["bytes"] = static_cast<double>(m.bytes);
        state.counters["errno"] = err;
        if (r.ret != 0) {
            ctx.on_sample(bench_name, t1 - t0, err);
            state.SkipWithError(("load failed: errno " + std::to_string(err) + " (" + std::strerror(err) + ")").c_str());
            // A module left over from a failed unload blocks every later load of that name.
            if (err == EEXIST) sys::delete_module(m.name.c_str(), O_NONBLOCK);
            break;
        }
        long long u0 = now_ns();
        sys::RawResult d = sys::delete_module(m.name.c_str(), O_NONBLOCK);
        long long u1 = now_ns();
        state.counters["unload_ns"] = static_cast<double>(u1 - u0);
        state.counters["unload_errno"] = d.ret == 0 ? 0 : d.err;
        ctx.on_sample(bench_name, t1 - t0, 0);
        ctx.on_sample(bench_name + "#unload", u1 - u0, d.ret == 0 ? 0 : d.err);
    }
}

benchmark::internal::Benchmark* configure(benchmark::internal::Benchmark* b, int reps) {
    return b->UseManualTime()->Iterations(1)->Repetitions(reps)->Unit(benchmark::kMicrosecond);
}

void register_module(BenchContext& ctx, const ModuleEntry& m) {
    const std::string path = m.path;
    auto add = [&](const std::string& kind, std::function<void()> prepare, LoadOp load) {
        std::string name = "load/" + kind + "/" + m.label;
        configure(benchmark::RegisterBenchmark(
                      name.c_str(), [&ctx, name, m, prepare, load](benchmark::State& st) { run_load(st, ctx, name, m, prepare, load); }),
                  m.reps);
    };
    auto no_prep = [] {};
    auto warm_it = [path] { warm(path); };
    add(
        "buffer", [&ctx, path] { (void)buffer_of(ctx, path); },
        [&ctx, path] {
            const auto& b = buffer_of(ctx, path);
            return sys::init_module(b.data(), b.size(), "");
        });
    add("read_init", warm_it, [path] {
        int fd = open_ro(path);
        if (fd < 0) return sys::RawResult{-1, errno};
        uint64_t n = file_size(fd);
        // A fresh buffer each time, as a loader reading the file would have.
        std::unique_ptr<char[]> buf(new char[n]);
        bool ok = read_exact(fd, buf.get(), n);
        ::close(fd);
        if (!ok) return sys::RawResult{-1, EIO};
        return sys::init_module(buf.get(), n, "");
    });
    add("mmap", warm_it, [path] {
        int fd = open_ro(path);
        if (fd < 0) return sys::RawResult{-1, errno};
        uint64_t n = file_size(fd);
        void* p = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (p == MAP_FAILED) return sys::RawResult{-1, errno};
        auto r = sys::init_module(p, n, "");
        ::munmap(p, n);
        return r;
    });
    add("finit_warm", warm_it, [path] {
        int fd = open_ro(path);
        if (fd < 0) return sys::RawResult{-1, errno};
        auto r = sys::finit_module(fd, "", 0);
        ::close(fd);
        return r;
    });
    add(
        "finit_cold", [] { (void)drop_caches(); },
        [path] {
            int fd = open_ro(path);
            if (fd < 0) return sys::RawResult{-1, errno};
            auto r = sys::finit_module(fd, "", 0);
            ::close(fd);
            return r;
        });
    (void)no_prep;
    if (m.xz_path.empty()) return;
    const std::string xz = m.xz_path;
    const uint64_t raw = m.bytes;
    std::string fc = "xz/finit_compressed/" + m.label;
    configure(benchmark::RegisterBenchmark(fc.c_str(),
                                           [&ctx, fc, m, xz](benchmark::State& st) {
                                               run_load(
                                                   st, ctx, fc, m, [xz] { warm(xz); },
                                                   [xz] {
                                                       int fd = open_ro(xz);
                                                       if (fd < 0) return sys::RawResult{-1, errno};
                                                       auto r = sys::finit_module(fd, "", sys::kModuleInitCompressedFile);
                                                       ::close(fd);
                                                       return r;
                                                   });
                                           }),
              m.reps);
    std::string ux = "xz/user_xz/" + m.label;
    configure(benchmark::RegisterBenchmark(ux.c_str(),
                                           [&ctx, ux, m, xz, raw](benchmark::State& st) {
                                               run_load(
                                                   st, ctx, ux, m, [xz] { warm(xz); },
                                                   [xz, raw] {
                                                       int fd = open_ro(xz);
                                                       if (fd < 0) return sys::RawResult{-1, errno};
                                                       uint64_t n = file_size(fd);
                                                       std::unique_ptr<char[]> in(new char[n]);
                                                       bool ok = read_exact(fd, in.get(), n);
                                                       ::close(fd);
                                                       std::vector<char> out;
                                                       if (!ok || !xz_decode(in.get(), n, out, raw)) return sys::RawResult{-1, EBADMSG};
                                                       return sys::init_module(out.data(), out.size(), "");
                                                   });
                                           }),
              m.reps);
}

void register_reject(BenchContext& ctx, const RejectEntry& e) {
    std::string name = "reject/" + e.klass + "/" + e.call;
    configure(benchmark::RegisterBenchmark(name.c_str(),
                                           [&ctx, name, e](benchmark::State& st) {
                                               for (auto _ : st) {
                                                   st.PauseTiming();
                                                   int fd = -1;
                                                   const std::vector<char>* buf = nullptr;
                                                   if (e.call == "finit" && !e.path.empty()) {
                                                       warm(e.path);
                                                       fd = open_ro(e.path);
                                                   } else if (e.call == "init") {
                                                       buf = &buffer_of(ctx, e.path);
                                                   }
                                                   st.ResumeTiming();
                                                   long long t0 = now_ns();
                                                   sys::RawResult r = e.call == "finit" ? sys::finit_module(fd, "", e.flags)
                                                                                        : sys::init_module(buf->data(), buf->size(), "");
                                                   long long t1 = now_ns();
                                                   st.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
                                                   if (fd >= 0) ::close(fd);
                                                   int err = r.ret == 0 ? 0 : r.err;
                                                   st.counters["errno"] = err;
                                                   ctx.on_sample(name, t1 - t0, err);
                                                   if (r.ret == 0) {
                                                       if (!e.name.empty()) sys::delete_module(e.name.c_str(), O_NONBLOCK);
                                                       st.SkipWithError("input was accepted: not a rejection");
                                                       break;
                                                   }
                                               }
                                           }),
              e.reps);
}

void register_calibration(BenchContext& ctx) {
    const Manifest& m = ctx.manifest;
    const uint64_t n = m.calib_bytes;
    configure(benchmark::RegisterBenchmark("calib/memcpy",
                                           [&ctx, n](benchmark::State& st) {
                                               // Pre-faulted buffers: the copy, not page faults, is measured.
                                               std::vector<char> src(n, 1), dst(n, 0);
                                               for (auto _ : st) {
                                                   long long t0 = now_ns();
                                                   std::memcpy(dst.data(), src.data(), n);
                                                   benchmark::DoNotOptimize(dst.data());
                                                   benchmark::ClobberMemory();
                                                   long long t1 = now_ns();
                                                   st.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
                                                   st.counters["bytes"] = static_cast<double>(n);
                                                   ctx.on_sample("calib/memcpy", t1 - t0, 0);
                                               }
                                           }),
              m.calib_reps);
    if (m.calib_file.empty()) return;
    const std::string file = m.calib_file;
    for (bool cold : {false, true}) {
        std::string name = cold ? "calib/cold_read" : "calib/pagecache_read";
        configure(benchmark::RegisterBenchmark(name.c_str(),
                                               [&ctx, file, cold, name](benchmark::State& st) {
                                                   for (auto _ : st) {
                                                       st.PauseTiming();
                                                       if (cold)
                                                           (void)drop_caches();
                                                       else
                                                           warm(file);
                                                       int fd0 = open_ro(file);
                                                       uint64_t size = fd0 >= 0 ? file_size(fd0) : 0;
                                                       if (fd0 >= 0) ::close(fd0);
                                                       std::vector<char> dst(size, 0);
                                                       st.ResumeTiming();
                                                       long long t0 = now_ns();
                                                       int fd = open_ro(file);
                                                       bool ok = fd >= 0 && read_exact(fd, dst.data(), size);
                                                       if (fd >= 0) ::close(fd);
                                                       long long t1 = now_ns();
                                                       st.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
                                                       st.counters["bytes"] = static_cast<double>(size);
                                                       ctx.on_sample(name, t1 - t0, ok ? 0 : EIO);
                                                       if (!ok) {
                                                           st.SkipWithError("read failed");
                                                           break;
                                                       }
                                                   }
                                               }),
                  m.calib_reps);
    }
}

}  // namespace

void register_benchmarks(BenchContext& ctx) {
    for (const auto& m : ctx.manifest.modules) register_module(ctx, m);
    for (const auto& e : ctx.manifest.rejects) register_reject(ctx, e);
    register_calibration(ctx);
}

}  // namespace mh::bench
