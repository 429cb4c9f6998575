// groups.txt: one "group NAME | cmdline words or - | sources" line per conformance group.
#include "conformance/groups.h"

#include "harness/common/text.h"

namespace mh::conformance {

Expected<std::vector<GroupDef>> parse_groups(const std::string& text, const std::string& source_name) {
    std::vector<GroupDef> out;
    for (auto [line, lineno] : lines(text)) {
        auto t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto where = source_name + ":" + std::to_string(lineno) + ": ";
        if (t.rfind("group ", 0) != 0) return make_error(where + "line must start with 'group'");
        auto f = split_trimmed(t.substr(6), '|');
        if (f.size() != 3) return make_error(where + "group needs: NAME | cmdline words or - | sources");
        GroupDef g;
        g.name = f[0];
        if (f[1] != "-") g.cmdline = words(f[1]);
        g.sources = words(f[2]);
        if (g.name.empty() || g.sources.empty()) return make_error(where + "group needs a name and sources");
        // The name is a directory under --out: no separators, no "." or "..".
        if (g.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos ||
            g.name == "." || g.name == "..")
            return make_error(where + "group name '" + g.name + "' must be letters, digits, '_', '.' or '-'");
        out.push_back(g);
    }
    if (out.empty()) return make_error(source_name + ": no groups");
    return out;
}

}  // namespace mh::conformance
