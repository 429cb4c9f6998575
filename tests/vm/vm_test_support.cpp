// VM test support: one run_session per call, with the malformation catalogue wired in.
#include "tests/vm/vm_test_support.h"

#include "tests/vm/cli_support.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace mh::vmtest {

std::string source_dir() {
    if (const char* s = std::getenv("MH_SOURCE_DIR"); s && *s) return s;
    return MH_SOURCE_DIR_DEFAULT;
}

std::string kernel_test_name(const std::string& kernel) {
    std::string s = kernel;
    for (auto& c : s)
        if (c == '-' || c == '.') c = '_';
    return s;
}

Expected<Run> run_cases(const std::string& kernel, const std::string& case_text, const std::string& name,
                        const std::function<void(session::SessionOptions&)>& tweak) {
    auto cases = session::parse_case_text(case_text, name);
    if (!cases) return cases.error();
    session::SessionOptions opt;
    opt.kernel = kernel;
    opt.fetch = true;
    opt.out_dir =
        scratch_dir(std::filesystem::temp_directory_path() / ("mh-vmtest-" + name + "-" + kernel + "-" + std::to_string(::getpid())));
    if (tweak) tweak(opt);
    auto r = session::run_session(std::move(*cases), opt);
    if (!r) return r.error();
    Run run;
    run.session = std::move(r).value();
    for (const auto& rec : run.session.records) run.by_id[rec.outcome.id] = rec;
    return run;
}

}  // namespace mh::vmtest
