// Bench initramfs: store image (mke2fs -d), brd from the kernel's modules, the dynamic guest program.
#include "bench/runner/bench_initrd.h"

#include <chrono>
#include <cstdlib>

#include "bench/runner/store_inputs.h"
#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"
#include "harness/elf/compression.h"
#include "harness/host/process.h"
#include "harness/vm/cpio.h"
#include "harness/vm/guest_program.h"

namespace mh::bench {
namespace {

namespace fs = std::filesystem;

// The ext4 image (mke2fs -d copies the directory in; no journal: the store is read-only).
Status make_store_image(const fs::path& store, const fs::path& image) {
    uint64_t total = 0;
    for (auto& e : fs::directory_iterator(store)) total += fs::file_size(e.path());
    uint64_t image_kib = total / 1024 * 11 / 10 + 8192;
    std::error_code ec;
    fs::remove(image, ec);
    host::ProcessOptions po;
    po.timeout = std::chrono::milliseconds(300000);
    po.merge_stderr = true;
    auto mk = host::run_process({"mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-b", "4096", "-m", "0", "-d", store.string(),
                                 image.string(), std::to_string(image_kib) + "k"},
                                po);
    if (!mk) return make_error("mke2fs: " + mk.error().message + " (install e2fsprogs)");
    if (!mk->success()) return make_error("mke2fs: " + mk->status_text() + ": " + host::tail_lines(mk->out, 5));
    return ok_status();
}

// brd from the kernel's own modules (Debian 6.12 ships .ko.xz: decompressed here).
Expected<std::vector<uint8_t>> brd_module(const kernels::Kernel& k) {
    fs::path brd;
    std::error_code ec;
    if (!k.modules_dir.empty())
        for (auto& e : fs::recursive_directory_iterator(k.modules_dir, ec))
            if (e.path().filename().string().rfind("brd.ko", 0) == 0) brd = e.path();
    if (brd.empty()) return make_error("no brd.ko under " + k.modules_dir.string() + " (the cold path needs the RAM disk driver)");
    return elf::load_module_file(brd.string());
}

}  // namespace

fs::path guest_bench_binary() { return paths::artefact_path(paths::Artefact::kGuestBench); }

Expected<fs::path> prepare_initrd(const kernels::Kernel& k, const Plan& plan, const fs::path& work, const std::string& token,
                                  std::vector<std::string>& notes, const std::function<void(const std::string&)>& progress) {
    auto conf = fill_module_store(k, plan, work / "store", notes, progress);
    if (!conf) return conf.error();
    fs::path image = work / "store.ext4";
    if (auto s = make_store_image(work / "store", image); !s) return s.error();
    auto brd = brd_module(k);
    if (!brd) return brd.error();

    vm::CpioWriter cpio;
    for (const char* d : {"mh", "proc", "sys", "dev", "tmp", "store"}) cpio.add_directory(d);
    if (auto s = vm::add_dynamic_program(cpio, guest_bench_binary(), "init"); !s) return s.error();
    cpio.add_file("mh/token", token + "\n");
    cpio.add_file("mh/bench.conf", *conf);
    cpio.add_file("mh/brd.ko", std::string(brd->begin(), brd->end()));
    auto image_bytes = read_text_file(image);
    cpio.add_file("mh/store.ext4", image_bytes ? std::string_view(*image_bytes) : std::string_view());
    std::error_code ec;
    fs::remove(image, ec);
    if (auto s = write_file_atomic(work / "bench.conf", *conf); !s) return s.error();
    // Uncompressed: the store is incompressible by design and gzip would only cost boot time.
    fs::path initrd = work / "initrd.cpio";
    if (auto s = write_file_atomic(initrd, cpio.finish()); !s) return s.error();
    return initrd;
}

}  // namespace mh::bench
