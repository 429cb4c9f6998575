// Store inputs and manifest lines (kv records the guest's bench_manifest.cpp parses).
#include "bench/runner/store_inputs.h"

#include <sstream>

#include "bench/runner/kbuild_xz.h"
#include "harness/common/files.h"
#include "harness/elf/compression.h"
#include "harness/elf/malform/malformation.h"
#include "harness/kernels/seed_modules.h"
#include "harness/protocol/frame_types.h"

namespace mh::bench {
namespace {

namespace fs = std::filesystem;

// Where the guest mounts the store image.
constexpr const char* kGuestStore = "/store/";

using Manifest = std::ostringstream;

void add_line(Manifest& conf, const KvRecord& r) { conf << kv_format(r) << "\n"; }

std::string label_of(const std::string& size) {
    std::string l = size;
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
}

// The modules the rejection inputs and the calibration read are made from.
struct StoreExtremes {
    std::string smallest_path, smallest_name, largest_path;
};

// One store file per size (plus .ko.xz up to plan.xz_max) and its `module` line.
Expected<StoreExtremes> add_modules(const Plan& plan, const std::vector<std::string>& seed_names, const kernels::SeedSet& seeds,
                                    const fs::path& store, Manifest& conf) {
    StoreExtremes ext;
    uint64_t smallest = UINT64_MAX, largest = 0;
    std::error_code ec;
    for (size_t i = 0; i < plan.sizes.size(); ++i) {
        auto payload = *kernels::parse_size(plan.sizes[i]);
        auto spec = kernels::parse_seed_name(seed_names[i]);
        if (!spec) return spec.error();
        const auto& ko = seeds.modules.at(seed_names[i]);
        std::string label = label_of(plan.sizes[i]);
        std::string file = "big_" + label + ".ko";
        fs::copy_file(ko, store / file, fs::copy_options::overwrite_existing, ec);
        if (ec) return make_error("copy " + ko.string() + ": " + ec.message());
        auto bytes = fs::file_size(ko);
        KvRecord m = protocol::make_record(protocol::FrameType::Module);
        m.set("bytes", std::to_string(bytes));
        m.set("label", label);
        m.set("name", spec->module);
        m.set("path", kGuestStore + file);
        if (payload <= plan.xz_max) {
            auto raw = read_file_bytes(ko.string());
            if (!raw) return raw.error();
            auto xz = kbuild_xz(*raw);
            if (!xz) return xz.error();
            std::string xzfile = file + ".xz";
            if (auto s = write_file_atomic(store / xzfile, *xz); !s) return s.error();
            m.set("xz", kGuestStore + xzfile);
        }
        m.set("reps", std::to_string(payload >= plan.large_from ? plan.reps_large : plan.reps));
        add_line(conf, m);
        if (bytes < smallest) {
            smallest = bytes;
            ext.smallest_path = kGuestStore + file;
            ext.smallest_name = spec->module;
        }
        if (bytes > largest) {
            largest = bytes;
            ext.largest_path = kGuestStore + file;
        }
    }
    return ext;
}

// Rejection inputs: the smallest module broken by catalogue malformations, one per early check.
Status add_rejects(const Plan& plan, const StoreExtremes& ext, const fs::path& store, Manifest& conf, std::vector<std::string>& notes) {
    auto base = read_file_bytes(store / fs::path(ext.smallest_path).filename());
    if (!base) return base.error();
    struct RejectInput {
        const char* klass;
        const char* malformation;
    };
    const RejectInput inputs[] = {{"elf-header", "ehdr-bad-magic"},
                                  {"section-table", "shdr0-nonzero-type"},
                                  {"signature", "sig-len-too-large"},
                                  {"vermagic", "vermagic-flags-changed"}};
    auto reject = [&](const std::string& klass, const std::string& call, const std::string& path, unsigned long flags) {
        KvRecord r = protocol::make_record(protocol::FrameType::Reject);
        r.set("class", klass);
        r.set("call", call);
        if (!path.empty()) r.set("path", path);
        r.set("name", ext.smallest_name);
        if (flags) r.set("flags", std::to_string(flags));
        r.set("reps", std::to_string(plan.reject_reps));
        add_line(conf, r);
    };
    reject("bad-flags", "finit", ext.smallest_path, 0x100);
    reject("bad-fd", "finit", "", 0);
    for (const auto& ri : inputs) {
        auto bad = elf::apply_malformation(ri.malformation, *base, 1);
        if (!bad) {
            notes.push_back(std::string("rejection input ") + ri.klass + " not made: " + bad.error().message);
            continue;
        }
        std::string file = std::string("reject-") + ri.klass + ".ko";
        if (auto s = write_file_atomic(store / file, std::string(bad->begin(), bad->end())); !s) return s.error();
        reject(ri.klass, "init", kGuestStore + file, 0);
        reject(ri.klass, "finit", kGuestStore + file, 0);
    }
    return ok_status();
}

void add_settings(const Plan& plan, const StoreExtremes& ext, Manifest& conf) {
    KvRecord settings = protocol::make_record(protocol::FrameType::Settings);
    settings.set("calib_reps", std::to_string(plan.calib_reps));
    settings.set("calib_bytes", std::to_string(plan.calib_bytes));
    settings.set("calib_file", ext.largest_path);
    settings.set("skew_sleep", "2");
    settings.set("interleave", plan.interleave ? "1" : "0");
    add_line(conf, settings);
}

}  // namespace

Expected<std::string> fill_module_store(const kernels::Kernel& k, const Plan& plan, const fs::path& store, std::vector<std::string>& notes,
                                        const std::function<void(const std::string&)>& progress) {
    std::error_code ec;
    fs::remove_all(store, ec);
    fs::create_directories(store, ec);
    std::vector<std::string> seed_names;
    for (const auto& s : plan.sizes) {
        auto b = kernels::parse_size(s);
        if (!b) return make_error("--sizes: " + b.error().message);
        seed_names.push_back(kernels::big_seed_name(*b));
    }
    progress("modharness bench: building seed modules for " + k.release + " ...");
    auto seeds = kernels::build_seed_modules(k, seed_names, false);
    if (!seeds) return seeds.error();

    Manifest conf;
    KvRecord store_line = protocol::make_record(protocol::FrameType::Store);
    store_line.set("brd", "/mh/brd.ko");
    store_line.set("image", "/mh/store.ext4");
    store_line.set("mount", "/store");
    add_line(conf, store_line);
    auto ext = add_modules(plan, seed_names, *seeds, store, conf);
    if (!ext) return ext.error();
    if (auto s = add_rejects(plan, *ext, store, conf, notes); !s) return s.error();
    add_settings(plan, *ext, conf);
    return conf.str();
}

}  // namespace mh::bench
