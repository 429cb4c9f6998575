// Blame for a symbolised kernel report (see attribution.h).
#include "harness/symbolize/attribution.h"

namespace mh::symbolize {

nlohmann::json Attribution::to_json() const {
    nlohmann::json j = {{"kind", kind}, {"reason", reason}};
    if (!function.empty()) j["function"] = function;
    if (!file.empty()) j["file"] = file, j["line"] = line;
    if (!module.empty()) j["module"] = module;
    return j;
}

std::string Attribution::culprit() const {
    const std::string where = file.empty() ? "" : " " + file + ":" + std::to_string(line);
    if (kind == "loader") return function + where;
    if (kind == "module-code") return function + where + (module.empty() ? "" : " [" + module + "]");
    return "";
}

std::string Attribution::text() const {
    if (kind == "loader") return "loader: " + culprit();
    if (kind == "module-code") return "module code: " + culprit();
    return "unattributed";
}

bool calls_module_code(std::string_view loader_function) { return loader_function == "do_mod_ctors"; }

bool is_loader_file(std::string_view file) { return file.rfind("kernel/module/", 0) == 0 || file == "arch/x86/kernel/module.c"; }

Attribution attribute(const std::vector<SymbolizedFrame>& frames) {
    Attribution a;
    for (const auto& f : frames) {
        if (!f.frame.reliable && !f.frame.ip) continue;  // "? f+0x.." is stack garbage as often as not
        if (!f.frame.module.empty()) {
            a.kind = "module-code";
            a.function = f.frame.function;
            a.module = f.frame.module;
            for (const auto& l : f.locations)  // innermost first, when the module's .ko was there
                if (!l.file.empty()) {
                    a.function = l.function.empty() ? a.function : l.function;
                    a.file = l.file;
                    a.line = l.line;
                    break;
                }
            a.reason = f.frame.ip ? "the fault is in the module's own code" : "the module's own code called the faulting kernel function";
            return a;
        }
        for (const auto& l : f.locations)  // innermost first: an inlined loader helper names the line
            if (is_loader_file(l.file)) {
                if (calls_module_code(l.function)) {
                    a.kind = "module-code";
                    a.function = l.function;
                    a.file = l.file;
                    a.line = l.line;
                    a.reason =
                        "the module's constructors were running (a KASAN or gcov constructor tail-calls into the kernel, so "
                        "its own frame is not on the stack)";
                    return a;
                }
                a.kind = "loader";
                a.function = l.function;
                a.file = l.file;
                a.line = l.line;
                a.reason = f.frame.ip ? "the fault is in the loader" : "the first loader line under the fault";
                return a;
            }
    }
    a.kind = "unattributed";
    a.reason = "no module or loader frame among the reliable ones (or none resolved)";
    return a;
}

}  // namespace mh::symbolize
