// The host's instructions to the guest bench (/mh/bench.conf): modules by size, rejection inputs,
// repetitions, the module store. kv lines (harness/common/kv.h), parsed on both sides' terms.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/guest/module_store.h"
#include "harness/common/expected.h"

namespace mh::bench {

struct ModuleEntry {
    uint64_t bytes = 0;  // .ko file size
    std::string label;  // "64m": the size as the host named it
    std::string name;  // kernel module name, for delete_module
    std::string path;  // on the store
    std::string xz_path;  // "" when no xz variant was made for this size
    int reps = 5;
};

struct RejectEntry {
    std::string klass;  // bad-flags, bad-fd, elf-header, section-table, signature, vermagic
    std::string call;  // init | finit
    std::string path;  // "" for bad-fd
    std::string name;  // module name, to unload it should a "bad" input load after all
    unsigned long flags = 0;
    int reps = 50;
};

struct Manifest {
    StoreSpec store;
    std::vector<ModuleEntry> modules;
    std::vector<RejectEntry> rejects;
    int calib_reps = 5;
    uint64_t calib_bytes = 64u << 20;
    std::string calib_file;  // a store file read for the page-cache bandwidth (the largest module)
    double skew_sleep_s = 2.0;
    bool interleave = true;
};

Expected<Manifest> parse_manifest(const std::string& text);

}  // namespace mh::bench
