// The errno contract as data (conformance/contract.txt): classes, and rules that give the
// acceptable errnos per class, kernel version range and configuration, with their sources and the
// man-page statements (conformance/man_pages.txt) about the same input.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/man_pages.h"
#include "harness/common/expected.h"

namespace mh::conformance {

struct ClassInfo {
    std::string id;  // "F1"
    std::string section;  // contract.md section, "3.3"
    std::string title;
};

// A class of contract.md §3 that no case runs, and why ("uncovered" lines): the reports print them.
struct UncoveredClass {
    std::string id;
    std::string section;
    std::string title;
    std::string reason;
};

// The class ids one section of contract.md §3 lists ("spec" lines): the coverage test checks that
// each is a class with cases or an uncovered one.
struct SpecSection {
    std::string section;  // "3.9"
    std::vector<std::string> ids;
};

struct Version {
    std::vector<int> parts;  // 6.1.192 -> {6, 1, 192}
};
std::optional<Version> parse_version(const std::string& text);
int compare_versions(const Version& a, const Version& b);

struct VersionRange {
    std::optional<Version> low, high;  // inclusive; nullopt = open
    bool contains(const Version& v) const;
    std::string text;
};

// One atom of a rule's condition: CONFIG_X=y, CONFIG_X!=y, sig_enforce, !sig_enforce.
struct Condition {
    std::string key;  // "CONFIG_MODULE_DECOMPRESS" or "sig_enforce"
    bool negated = false;
    std::string value;  // "y" for CONFIG_ atoms
};

// Errno sets: nullopt means "any result" ("*"); an empty vector is written "-".
using ErrnoSet = std::optional<std::vector<int>>;

struct Rule {
    std::string class_id;
    std::string malformation;  // "" = every input of the class
    VersionRange kernels;
    std::vector<Condition> conditions;
    std::string conditions_text;
    ErrnoSet expect;
    std::vector<std::string> man_says;  // statement keys of man_pages.txt; empty = no page says anything
    std::string source;
    std::string man_note;  // why those statements apply ("" for "-")
    int line = 0;
};

struct Contract {
    std::map<std::string, ClassInfo> classes;
    std::vector<Rule> rules;
    std::vector<UncoveredClass> uncovered;
    std::vector<SpecSection> spec;
    ManPages man;  // load_contract fills it from man_pages.txt beside contract.txt
};

// What a rule's condition is evaluated against.
struct KernelFacts {
    Version version;
    std::map<std::string, std::string> config;  // CONFIG_* -> "y"/"m"/"n"
    bool sig_enforce = false;  // module.sig_enforce=1 on the command line (or SIG_FORCE)
};

// The facts of a kernel as a run records them (upstream version, config) and whether its VM
// enforces signatures (module.sig_enforce=1 on the command line, or CONFIG_MODULE_SIG_FORCE=y).
KernelFacts kernel_facts(const std::string& version, const std::map<std::string, std::string>& config, bool sig_enforce_cmdline);

// The fields of a data line of contract.txt / man_pages.txt, separated by " | ", trimmed.
std::vector<std::string> split_fields(const std::string& s);

// Parses the text format; errors name the line. Then validate() the result.
Expected<Contract> parse_contract(const std::string& text, const std::string& source_name);
// contract.txt and, beside it, man_pages.txt.
Expected<Contract> load_contract(const std::filesystem::path& path);
// Known class ids in every rule, errno names valid (checked when parsing), man-page statements
// known, no two rules for the same class, malformation and condition whose kernel ranges overlap,
// and no class both declared and listed as uncovered.
Status validate_contract(const Contract& c);

// The rule for an input: a malformation-specific rule beats the class's own; first match wins.
const Rule* find_rule(const Contract& c, const std::string& class_id, const std::string& malformation, const KernelFacts& facts);

// "EBADF,EINVAL" / "*" / "-" / "sentinel" -> set.
Expected<ErrnoSet> parse_errno_set(const std::string& text);
std::string errno_set_text(const ErrnoSet& s);

}  // namespace mh::conformance
