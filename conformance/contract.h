// The errno contract as data (conformance/contract.txt): classes, and rules that give the
// acceptable errnos per class, kernel version range and configuration, with their sources.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::conformance {

struct ClassInfo {
    std::string id;  // "F1"
    std::string section;  // contract.md section, "3.3"
    std::string title;
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

// Errno sets: nullopt means "any result" ("*"); an empty vector means "the man page is silent" ("-").
using ErrnoSet = std::optional<std::vector<int>>;

struct Rule {
    std::string class_id;
    std::string malformation;  // "" = every input of the class
    VersionRange kernels;
    std::vector<Condition> conditions;
    std::string conditions_text;
    ErrnoSet expect;
    ErrnoSet man;
    std::string source;
    std::string man_source;
    int line = 0;
};

struct Contract {
    std::map<std::string, ClassInfo> classes;
    std::vector<Rule> rules;
};

// What a rule's condition is evaluated against.
struct KernelFacts {
    Version version;
    std::map<std::string, std::string> config;  // CONFIG_* -> "y"/"m"/"n"
    bool sig_enforce = false;  // module.sig_enforce=1 on the command line (or SIG_FORCE)
};

// Parses the text format; errors name the line. Then validate() the result.
Expected<Contract> parse_contract(const std::string& text, const std::string& source_name);
Expected<Contract> load_contract(const std::filesystem::path& path);
// Known class ids in every rule, errno names valid (checked when parsing), and no two rules for the
// same class, malformation and condition whose kernel ranges overlap.
Status validate_contract(const Contract& c);

// The rule for an input: a malformation-specific rule beats the class's own; first match wins.
const Rule* find_rule(const Contract& c, const std::string& class_id, const std::string& malformation, const KernelFacts& facts);

// "EBADF,EINVAL" / "*" / "-" / "sentinel" -> set.
Expected<ErrnoSet> parse_errno_set(const std::string& text);
std::string errno_set_text(const ErrnoSet& s);

}  // namespace mh::conformance
