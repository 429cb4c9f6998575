// Host micro-benchmarks of harness hot paths not covered by elf_bench.cpp: console parsing,
// initramfs (cpio) assembly with and without gzip, results-frame decoding, kv records.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness/protocol/frame.h"
#include "harness/common/files.h"
#include "harness/common/kv.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/vm/cpio.h"
#include "harness/protocol/frame_types.h"

namespace {

std::string source_dir() {
    const char* s = std::getenv("MH_SOURCE_DIR");
    return s ? s : MH_SOURCE_DIR_DEFAULT;
}

// Every golden console log concatenated: a console with many kinds of reports in it.
const std::string& golden_consoles() {
    static const std::string text = [] {
        std::string all;
        for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/harness/kernel_log/testdata"))
            if (e.path().extension() == ".log") all += mh::read_text_file(e.path()).value_or("");
        return all;
    }();
    return text;
}

// A clean boot log of the given size (what most VMs produce): nothing to report.
std::string clean_console(size_t bytes) {
    std::string line = "[    1.234567] mh_big_64k: 65536 payload bytes, page checksum 123456\n";
    std::string out;
    while (out.size() < bytes) out += line;
    return out;
}

void BM_ParseConsoleGolden(benchmark::State& state) {
    const auto& text = golden_consoles();
    for (auto _ : state) benchmark::DoNotOptimize(mh::kernel_log::parse_console(text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseConsoleGolden);

void BM_ParseConsoleClean(benchmark::State& state) {
    auto text = clean_console(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(mh::kernel_log::parse_console(text));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ParseConsoleClean)->Arg(64 << 10)->Arg(1 << 20);

// An initramfs like a case batch: a 2 MiB /init, directories, 50 module images of 100 KiB.
std::string build_initramfs(bool gzip) {
    static const std::string init(2 << 20, 'i');
    static const std::string image = [] {
        std::string s(100 << 10, '\0');
        uint32_t x = 12345;
        for (auto& c : s) {
            x = x * 1103515245u + 12345u;
            c = static_cast<char>(x >> 24);
        }
        return s;
    }();
    mh::vm::CpioWriter w;
    for (const char* d : {"mh", "mh/img", "proc", "sys", "dev", "tmp"}) w.add_directory(d);
    w.add_file("init", init, 0755);
    for (int i = 0; i < 50; ++i) w.add_file("mh/img/" + std::to_string(i) + ".ko", image);
    std::string out = w.finish();
    return gzip ? mh::vm::gzip_compress(out, 1) : out;
}

void BM_InitramfsBuild(benchmark::State& state) {
    size_t bytes = 0;
    for (auto _ : state) {
        auto s = build_initramfs(false);
        bytes = s.size();
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_InitramfsBuild)->Unit(benchmark::kMillisecond);

void BM_InitramfsBuildGzip(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(build_initramfs(true));
}
BENCHMARK(BM_InitramfsBuildGzip)->Unit(benchmark::kMillisecond);

// A results stream as the executor sends it: 1,000 result frames, fed in serial-sized chunks.
void BM_FrameDecode(benchmark::State& state) {
    std::string stream;
    for (int i = 0; i < 1000; ++i) {
        mh::KvRecord r = mh::protocol::make_record(mh::protocol::FrameType::Result);
        r.set("idx", std::to_string(i));
        r.set("id", "case-" + std::to_string(i));
        r.set("ret", "-1");
        r.set("errno", "8");
        r.set("ns", "123456");
        r.set("kmsg", "module: x86/modules: Skipping invalid relocation target, existing value is nonzero");
        stream += mh::protocol::frame_encode(mh::kv_format(r));
    }
    const size_t chunk = static_cast<size_t>(state.range(0));
    for (auto _ : state) {
        mh::protocol::FrameDecoder d;
        size_t frames = 0;
        for (size_t off = 0; off < stream.size(); off += chunk) frames += d.feed(std::string_view(stream).substr(off, chunk)).size();
        benchmark::DoNotOptimize(frames);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_FrameDecode)->Arg(16)->Arg(4096);

void BM_KvParse(benchmark::State& state) {
    std::string line = "type=result idx=17 id=bad-magic ret=-1 errno=8 ns=4242 kmsg=Invalid%20ELF%20header%20magic";
    for (auto _ : state) benchmark::DoNotOptimize(mh::kv_parse(line));
}
BENCHMARK(BM_KvParse);

}  // namespace

BENCHMARK_MAIN();
