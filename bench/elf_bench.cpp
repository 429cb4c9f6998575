// Host throughput of the ELF model (reader, emit, mutate) on a ~100 KB module, against memcpy of the same bytes.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "harness/elf/builders.h"
#include "harness/elf/compression.h"
#include "harness/elf/malform/malformation.h"
#include "harness/elf/reader.h"
#include "harness/elf/spec.h"
#include "harness/elf/synth.h"

namespace {

using namespace mh::elf;

// A module shaped like a mid-sized real one: ~40 KB of code, 800 symbols, 1200 relocations, so
// every reader path has work. MH_BENCH_MODULE=path.ko benchmarks a real module instead.
Bytes make_module() {
    if (const char* path = std::getenv("MH_BENCH_MODULE")) {
        auto b = load_module_file(path);
        if (b) return std::move(b).value();
        std::fprintf(stderr, "MH_BENCH_MODULE: %s\n", b.error().message.c_str());
        std::exit(2);
    }
    SynthOptions o;
    o.epilogue = Epilogue::thunk;  // has .rela.init.text to grow
    ModuleSpec spec = synthesize(example_profile(), o).value();
    long symtab = find_spec_section(spec, ".symtab"), strtab = find_spec_section(spec, ".strtab");
    SymtabBuilder syms;
    for (int i = 0; i < 800; ++i)
        syms.add("mh_bench_function_" + std::to_string(i), i < 400 ? kStbLocal : kStbGlobal, kSttFunc, 1, static_cast<uint64_t>(i) * 48,
                 48);
    spec.sections[static_cast<size_t>(symtab)].data = syms.symtab_bytes();
    spec.sections[static_cast<size_t>(symtab)].hdr.info = syms.first_global();
    spec.sections[static_cast<size_t>(strtab)].data = syms.strtab_bytes();
    // Grow .init.text to 40 KB of int3 and give it 1200 PC32 relocations.
    auto& text = spec.sections[static_cast<size_t>(find_spec_section(spec, ".init.text"))];
    text.data.resize(40 * 1024, 0xcc);
    std::vector<Rela> relas;
    for (uint32_t i = 0; i < 1200; ++i) relas.push_back({uint64_t{i} * 32, Rela::make_info(1 + i % 800, kRX86_64_PC32), -4});
    spec.sections[static_cast<size_t>(find_spec_section(spec, ".rela.init.text"))].data = build_relas(relas);
    auto_layout(spec);
    return emit(spec);
}

const Bytes& module_bytes() {
    static const Bytes m = make_module();
    return m;
}

void BM_Memcpy(benchmark::State& state) {
    const Bytes& in = module_bytes();
    Bytes out(in.size());
    for (auto _ : state) {
        std::memcpy(out.data(), in.data(), in.size());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_Memcpy);

void BM_ReaderParse(benchmark::State& state) {
    const Bytes& in = module_bytes();
    for (auto _ : state) {
        auto v = ElfView::parse(in);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_ReaderParse);

// Everything check-package looks at: names, contents, symbols, relocations, special sections.
void BM_ReaderFull(benchmark::State& state) {
    const Bytes& in = module_bytes();
    for (auto _ : state) {
        auto v = ElfView::parse(in).value();
        size_t n = 0;
        for (size_t i = 1; i < v.section_count(); ++i) n += v.section_name(i).value().size() + v.section_data(i).value().size();
        n += v.symbols().value().size();
        for (size_t r : v.sections_of_type(kShtRela)) n += v.relocations(r).value().size();
        n += read_modinfo(v).value().size() + read_this_module(v).value().name.size();
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_ReaderFull);

void BM_SpecFromImage(benchmark::State& state) {
    const Bytes& in = module_bytes();
    for (auto _ : state) {
        auto s = spec_from_image(in);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_SpecFromImage);

void BM_Emit(benchmark::State& state) {
    const Bytes& in = module_bytes();
    ModuleSpec spec = spec_from_image(in).value();
    for (auto _ : state) {
        auto out = emit(spec);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_Emit);

// One catalogue row per family: a header field, a spec-level structural edit, a generic flip.
void BM_Mutate(benchmark::State& state, const char* id) {
    const Bytes& in = module_bytes();
    uint64_t seed = 0;
    for (auto _ : state) {
        auto out = apply_malformation(id, in, ++seed);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK_CAPTURE(BM_Mutate, ehdr_field, "ehdr-shoff-past-end");
BENCHMARK_CAPTURE(BM_Mutate, symbol_edit, "symbol-shn-common");
BENCHMARK_CAPTURE(BM_Mutate, structural, "this-module-duplicate");
BENCHMARK_CAPTURE(BM_Mutate, generic, "gen-bit-flip");

void BM_MutateRandom(benchmark::State& state) {
    const Bytes& in = module_bytes();
    uint64_t seed = 0;
    for (auto _ : state) {
        auto out = mutate(in, ++seed);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_MutateRandom);

}  // namespace

BENCHMARK_MAIN();
