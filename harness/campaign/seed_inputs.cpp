// Campaign seeds (see seed_inputs.h).
#include "harness/campaign/seed_inputs.h"

#include <algorithm>
#include <optional>

#include "harness/common/error_kind.h"
#include "harness/elf/malform/malformation.h"
#include "harness/elf/signature.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/mutate/modinfo_mutations.h"
#include "harness/mutate/mutator.h"
#include "harness/mutate/param_mutations.h"
#include "harness/mutate/section_name_mutations.h"
#include "harness/common/files.h"
#include "harness/kernels/kernel_tree.h"
#include "harness/host/process.h"
#include "harness/kernels/seed_modules.h"

namespace mh::campaign {

namespace fs = std::filesystem;

// provider: the environment's own module, so renaming mutations turn it into a second exporter
// of the same symbols (verify_exported_symbols).
std::vector<std::string> default_fuzz_seed_names() { return {"ok", "params", "sentinel", "consumer", "provider"}; }

namespace {

// Stripped copy of a seed; on a kernel that verifies signatures (a build tree with its signing
// key: `kernel build-fuzz --signing`), signed with that key and hash, so a signed seed input
// really verifies (`make modules` for an external module does not sign, and strip would drop it).
std::string seed_bytes(const kernels::Kernel& k, const fs::path& ko, const fs::path& dir) {
    const fs::path stripped = stripped_copy(ko, dir);
    std::string bytes = read_text_file(stripped).value_or("");
    const fs::path sign_file = k.build_tree / "scripts/sign-file", key = k.build_tree / "certs/signing_key.pem",
                   cert = k.build_tree / "certs/signing_key.x509";
    std::error_code ec;
    if (k.build_tree.empty() || !fs::exists(sign_file, ec) || !fs::exists(key, ec) || !fs::exists(cert, ec)) return bytes;
    const auto config = kernels::parse_kernel_config(read_text_file(k.build_tree / ".config").value_or(""));
    if (!config.count("CONFIG_MODULE_SIG") || config.at("CONFIG_MODULE_SIG") != "y") return bytes;
    auto hash = config.count("CONFIG_MODULE_SIG_HASH") ? config.at("CONFIG_MODULE_SIG_HASH") : std::string("sha512");
    hash.erase(std::remove(hash.begin(), hash.end(), '"'), hash.end());
    const fs::path out = dir / (ko.stem().string() + ".signed.ko");
    auto r = host::run_process({sign_file.string(), hash, key.string(), cert.string(), stripped.string(), out.string()});
    if (!r || !r->success()) return bytes;  // unsigned then: the signature parser still sees mutants
    std::string signed_bytes = read_text_file(out).value_or("");
    return signed_bytes.empty() ? bytes : signed_bytes;
}

}  // namespace

std::vector<NamedInput> seed_inputs_for(const std::string& seed, const mutate::Bytes& module) {
    std::vector<NamedInput> out;
    mutate::FuzzInput in;
    // Signed seeds (fuzz kernels sign what they build) go in once as they are, for the signature
    // parser; every other input starts unsigned: an RSA verification per call costs milliseconds
    // under TCG and would dominate the exec rate.
    const auto payload = elf::strip_signature(module);
    if (payload.size() != module.size()) {
        in.image = module;
        out.push_back({seed + "-init-signed", mutate::encode(in), seed});
    }
    in.image.assign(payload.begin(), payload.end());
    out.push_back({seed + "-init", mutate::encode(in), seed});
    in.call.syscall = mutate::Syscall::finit_module;
    in.call.fd_kind = mutate::FdKind::memfd;
    out.push_back({seed + "-finit-memfd", mutate::encode(in), seed});
    // Every declared parameter set once, with a plain value of its type.
    std::string params;
    for (const auto& p : mutate::declared_params(in.image)) {
        if (!params.empty()) params += ' ';
        params += p.name + "=" + (p.type.find("bool") != std::string::npos ? "y" : p.type.find("charp") != std::string::npos ? "x" : "1");
    }
    if (!params.empty()) {
        in.call = {};
        in.call.params = params;
        out.push_back({seed + "-init-params", mutate::encode(in), seed});
    }
    // The actions, so the corpus starts with the loaded-module views and a racing caller.
    in.call = {};
    in.call.actions = mutate::kProbeSysfs | mutate::kRepeat | mutate::kForceUnload;
    out.push_back({seed + "-init-actions", mutate::encode(in), seed});
    in.call.actions = mutate::kConcurrent;
    out.push_back({seed + "-init-race", mutate::encode(in), seed});
    // An importing seed (mh_consumer, whose init can nap): the provider raced, the loader's wchan
    // read while init sleeps. Reading kallsyms (~27k lines each time) is left to the mutator and
    // the dictionary stage.
    const auto declared = mutate::declared_params(in.image);
    if (std::any_of(declared.begin(), declared.end(), [](const mutate::ModuleParam& p) { return p.name == "nap_ms"; })) {
        in.call.actions = mutate::kRaceProvider;
        out.push_back({seed + "-init-race-provider", mutate::encode(in), seed});
        in.call.actions = mutate::kProbeSysfs | mutate::kUnloadProvider;  // refused while this module uses it
        out.push_back({seed + "-init-unload-provider", mutate::encode(in), seed});
        in.call.actions = mutate::kConcurrent;
        in.call.params = "nap_ms=40";  // long enough for the racer's second load to find it COMING
        out.push_back({seed + "-init-race-nap", mutate::encode(in), seed});
    }
    in.call.syscall = mutate::Syscall::finit_module;
    out.push_back({seed + "-finit-memfd-race", mutate::encode(in), seed});
    return out;
}

std::vector<NamedInput> modinfo_seed_inputs(const std::string& seed, const mutate::Bytes& module) {
    std::vector<NamedInput> out;
    const auto payload = elf::strip_signature(module);
    // Probing sysfs shows the attributes some entries create (version, srcversion, taint).
    for (size_t id = 0; id < mutate::modinfo_dictionary_size(); ++id) {
        mutate::FuzzInput in;
        in.image.assign(payload.begin(), payload.end());
        in.call.actions = mutate::kProbeSysfs;
        if (mutate::apply_modinfo_entry(in.image, static_cast<uint16_t>(id), id + 1)) {
            mutate::record(in, {mutate::StepKind::modinfo, static_cast<uint16_t>(id)});
            out.push_back({seed + "-modinfo-" + std::to_string(id), mutate::encode(in), seed});
        }
    }
    return out;
}

std::vector<NamedInput> dictionary_seed_inputs(const std::string& seed, const mutate::Bytes& module) {
    std::vector<NamedInput> out;
    const auto payload = elf::strip_signature(module);
    const bool is_signed = payload.size() != module.size();
    mutate::FuzzInput base;
    base.image.assign(payload.begin(), payload.end());
    const auto& cat = elf::malformation_catalogue();
    // Left out: the generic byte rows (contract id "fuzz": random edits, not catalogue entries),
    // and rows that oops or WARN (tagged oops-risk, or KERNEL verdicts in conformance/baselines):
    // as seeds they would crash every VM as it starts. The mutator still draws them all.
    static constexpr std::string_view kPoisons[] = {"nobits-size-wrap32", "symtab-size-unaligned",         "this-module-name-empty",
                                                    "this-module-nobits", "symbol-undefined-unknown-weak", "rela-info-oob",
                                                    "rela-info-nonalloc", "orc-unwind-duplicate-empty"};
    for (size_t row = 0; row < cat.size(); ++row) {
        if ((cat[row].needs_signed_input && !is_signed) || cat[row].contract_id == "fuzz") continue;
        if (cat[row].has_tag("oops-risk") || std::find(std::begin(kPoisons), std::end(kPoisons), cat[row].id) != std::end(kPoisons))
            continue;
        mutate::FuzzInput in = base;
        if (cat[row].needs_signed_input) in.image = module;
        if (mutate::apply_catalogue_row(in, static_cast<uint16_t>(row), row + 1))
            out.push_back({seed + "-row-" + std::string(cat[row].id), mutate::encode(in), seed});
    }
    auto modinfo = modinfo_seed_inputs(seed, module);
    out.insert(out.end(), modinfo.begin(), modinfo.end());
    // The appending half of the section-name dictionary: a renamed section mostly breaks the
    // image before the name matters, an appended empty one reaches the name's own branch.
    for (size_t id = mutate::section_name_dictionary_size() / 2; id < mutate::section_name_dictionary_size(); ++id) {
        mutate::FuzzInput in = base;
        if (mutate::apply_section_name(in.image, static_cast<uint16_t>(id), id + 1)) {
            mutate::record(in, {mutate::StepKind::section_name, static_cast<uint16_t>(id)});
            out.push_back({seed + "-section-" + std::to_string(id), mutate::encode(in), seed});
        }
    }
    // Each action alone around the plain seed: the loaded module's kallsyms and sysfs views, a
    // second caller, the unload paths (seed_inputs_for covers only a few combinations).
    for (unsigned bit = 0; bit < mutate::kActionCount; ++bit) {
        mutate::FuzzInput in = base;
        in.call.actions = static_cast<uint16_t>(1u << bit);
        mutate::record(in, {mutate::StepKind::call, static_cast<uint16_t>(mutate::CallPart::actions)});
        out.push_back({seed + "-action-" + std::to_string(bit), mutate::encode(in), seed});
    }
    const auto& words = mutate::param_dictionary();
    for (size_t i = 0; i < words.size(); ++i) {
        mutate::FuzzInput in = base;
        in.call.params = words[i];
        out.push_back({seed + "-param-" + std::to_string(i), mutate::encode(in), seed});
    }
    return out;
}

Expected<SeedInputs> build_seed_inputs(const kernels::Kernel& k, const std::vector<std::string>& seeds,
                                       const std::filesystem::path& work_dir, const std::atomic<bool>* interrupted) {
    kernels::SeedBuildOptions so;
    so.interrupted = interrupted;
    auto set = kernels::build_seed_modules(k, seeds, so);
    if (!set) return with_context("seed modules: ", set.error());
    SeedInputs out;
    for (const auto& name : seeds) {
        auto it = set->modules.find(name);
        if (it == set->modules.end()) return environment_error("seed '" + name + "' was not built");
        const std::string bytes = seed_bytes(k, it->second, work_dir / "seeds");
        if (bytes.empty()) return environment_error("cannot read seed module " + it->second.string());
        const mutate::Bytes module(bytes.begin(), bytes.end());
        auto inputs = seed_inputs_for(name, module);
        out.inputs.insert(out.inputs.end(), inputs.begin(), inputs.end());
        auto variants = &name == &seeds.front() ? dictionary_seed_inputs(name, module) : modinfo_seed_inputs(name, module);
        out.stage.insert(out.stage.end(), variants.begin(), variants.end());
    }
    return out;
}

std::vector<SeedImage> seed_images(const SeedInputs& seeds) {
    std::vector<SeedImage> out;
    for (const auto& in : seeds.inputs)
        if (!in.module.empty() && std::none_of(out.begin(), out.end(), [&](const SeedImage& s) { return s.name == in.module; }))
            out.push_back({in.module, mutate::decode(in.bytes).image});
    return out;
}

std::string drop_crashing_seed(SeedInputs& seeds, std::string_view input) {
    const auto same = [&](const NamedInput& s) {
        return s.bytes.size() == input.size() &&
               std::equal(s.bytes.begin(), s.bytes.end(), input.begin(), [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
    };
    std::optional<NamedInput> crashing;
    for (const auto* list : {&seeds.inputs, &seeds.stage})
        if (auto it = std::find_if(list->begin(), list->end(), same); it != list->end() && !crashing) crashing = *it;
    if (!crashing) return "";
    const bool whole_module = !crashing->module.empty() && mutate::decode(crashing->bytes).history.empty();
    size_t n = 0;
    for (auto* list : {&seeds.inputs, &seeds.stage}) {
        const auto gone = std::remove_if(list->begin(), list->end(),
                                         [&](const NamedInput& s) { return whole_module ? s.module == crashing->module : same(s); });
        n += static_cast<size_t>(list->end() - gone);
        list->erase(gone, list->end());
    }
    if (!whole_module) return "seed " + crashing->name + " crashes the kernel: left out of later VM starts";
    return "seed " + crashing->name + " crashes the kernel unmodified: its module's " + std::to_string(n) +
           " starting inputs are left out of later VM starts";
}

Expected<std::vector<GuestFile>> environment_files(const kernels::Kernel& k, const fs::path& work_dir) {
    auto set = kernels::build_seed_modules(k, {"provider"}, false);
    if (!set) return with_context("environment module: ", set.error());
    auto it = set->modules.find("provider");
    if (it == set->modules.end()) return environment_error("environment module 'provider' was not built");
    // Signed like the seeds (an RSA verification costs milliseconds, paid only when an action
    // reloads it): an unsigned one would use up the once-per-boot "module verification failed"
    // notice before the fuzzer runs.
    const std::string bytes = seed_bytes(k, it->second, work_dir / "env");
    if (bytes.empty()) return environment_error("cannot read environment module " + it->second.string());
    return std::vector<GuestFile>{{"mh/env/" + it->second.filename().string(), bytes}};
}

}  // namespace mh::campaign
