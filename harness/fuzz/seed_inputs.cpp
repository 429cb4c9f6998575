// Campaign seeds (see seed_inputs.h).
#include "harness/fuzz/seed_inputs.h"

#include "harness/elf/signature.h"
#include "harness/fuzz/fuzz_vm.h"
#include "harness/fuzz/param_mutations.h"
#include "harness/vm/file_tail.h"
#include "harness/vm/seed_modules.h"

namespace mh::fuzz {

std::vector<std::string> default_fuzz_seed_names() { return {"ok", "params", "sentinel"}; }

std::vector<NamedInput> seed_inputs_for(const std::string& seed, const Bytes& module) {
    std::vector<NamedInput> out;
    FuzzInput in;
    // Signed seeds (fuzz kernels sign what they build) go in once as they are, for the signature
    // parser; every other input starts unsigned: an RSA verification per call costs milliseconds
    // under TCG and would dominate the exec rate.
    const auto payload = elf::strip_signature(module);
    if (payload.size() != module.size()) {
        in.image = module;
        out.push_back({seed + "-init-signed", encode(in)});
    }
    in.image.assign(payload.begin(), payload.end());
    out.push_back({seed + "-init", encode(in)});
    in.call.syscall = Syscall::finit_module;
    in.call.fd_kind = FdKind::memfd;
    out.push_back({seed + "-finit-memfd", encode(in)});
    // Every declared parameter set once, with a plain value of its type.
    std::string params;
    for (const auto& p : declared_params(in.image)) {
        if (!params.empty()) params += ' ';
        params += p.name + "=" + (p.type.find("bool") != std::string::npos ? "y" : p.type.find("charp") != std::string::npos ? "x" : "1");
    }
    if (!params.empty()) {
        in.call = {};
        in.call.params = params;
        out.push_back({seed + "-init-params", encode(in)});
    }
    return out;
}

Expected<std::vector<NamedInput>> build_seed_inputs(const vm::Kernel& k, const std::vector<std::string>& seeds,
                                                     const std::filesystem::path& work_dir) {
    auto set = vm::build_seed_modules(k, seeds, false);
    if (!set) return make_error("seed modules: " + set.error().message);
    std::vector<NamedInput> out;
    for (const auto& name : seeds) {
        auto it = set->modules.find(name);
        if (it == set->modules.end()) return make_error("seed '" + name + "' was not built");
        const std::string bytes = vm::read_whole_file(stripped_copy(it->second, work_dir / "seeds"));
        if (bytes.empty()) return make_error("cannot read seed module " + it->second.string());
        auto inputs = seed_inputs_for(name, Bytes(bytes.begin(), bytes.end()));
        out.insert(out.end(), inputs.begin(), inputs.end());
    }
    return out;
}

}  // namespace mh::fuzz
