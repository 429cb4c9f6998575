// Whom a symbolised kernel report blames: the module loader (a check missing in kernel/module/*
// or arch/x86/kernel/module.c: the first loader source line under the fault), or the module's own
// code after a legitimate load (the fault is in a module, or a module frame called the faulting
// kernel function: loaded code is trusted, so that is expected of a malformed module).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/symbolize/symbolizer.h"

namespace mh::symbolize {

struct Attribution {
    std::string kind;  // "loader", "module-code", "unattributed"
    std::string function;  // the loader function (inlined one included) or the module function
    std::string file;  // the loader source file, or the module's when its .ko was added to the symboliser
    int line = 0;
    std::string module;  // module-code: the module
    std::string reason;  // one sentence
    nlohmann::json to_json() const;
    // "loader: mod_sysfs_init kernel/module/sysfs.c:361", "module code: mh_oops_init mh_oops.c:12 [mh_oops]", "unattributed"
    std::string text() const;
    // What findings deduplicate by: "mod_sysfs_init kernel/module/sysfs.c:361",
    // "mh_oops_init mh_oops.c:12 [mh_oops]" ("mh_oops_init [mh_oops]" without the module's
    // lines); "" when unattributed.
    std::string culprit() const;
};

// kernel/module/* and arch/x86/kernel/module.c.
bool is_loader_file(std::string_view file);

// Loader functions whose callees are the module's own code: do_mod_ctors calls its constructors.
// A fault under one is the module's doing even when no module frame shows (KASAN's and gcov's
// constructors end in a tail call into the kernel, which leaves no frame of theirs).
bool calls_module_code(std::string_view loader_function);

// Walks the reliable frames from the fault outwards (the faulting frame always counts).
Attribution attribute(const std::vector<SymbolizedFrame>& frames);

}  // namespace mh::symbolize
