// Debian kernel changelogs (changelog.Debian.gz in every linux-image package): the entries of a
// version range, and which of their items could explain a change in the module loader. The
// newest package's changelog lists every earlier version of its line, so one file narrows a
// version boundary to named upstream stable commits without a git tree.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::kernels {

// One "* ..." or "- ..." item, continuation lines joined with single spaces.
struct ChangelogItem {
    std::string version;  // the entry's Debian version ("6.1.192-1")
    std::string text;  // "module: fix ... (CVE-...)"
    // The "* ..." item a "- ..." item sits under ("New upstream stable update:
    // https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.191"); "" for a top-level item.
    std::string under;
    // The upstream stable release whose ChangeLog URL the item is listed under ("6.1.191"), "".
    std::string upstream;
    std::size_t line = 0;  // where it starts in the changelog (from 1)
};

struct ChangelogEntry {
    std::string package;  // "linux"
    std::string version;  // "6.1.192-3"
    std::string distribution;  // "bookworm-security"
    std::string date;  // from the " -- name <mail>  date" trailer ("" when missing)
    std::vector<ChangelogItem> items;
};

// Parses a Debian changelog (deb-changelog(5)): entries newest first, as written. A text with no
// entry header, or lines before the first header that are not blank, is an input error naming
// the line.
Expected<std::vector<ChangelogEntry>> parse_debian_changelog(std::string_view text);

// The items of the entries after `after` up to and including `up_to`, newest first: when both
// versions have an entry, the entries between them in file order (a backport's changelog lists
// the source versions it was rebuilt from beside its own ~debNuM ones); otherwise those with
// `after` < version <= `up_to` in dpkg order.
std::vector<ChangelogItem> changelog_between(const std::vector<ChangelogEntry>& entries, std::string_view after, std::string_view up_to);

// The image package's changelog inside a cached kernel directory
// (usr/share/doc/linux-image-*/changelog.Debian.gz), decompressed and parsed.
Expected<std::vector<ChangelogEntry>> read_kernel_changelog(const std::filesystem::path& kernel_dir);

// An item with its relevance to a module-loader change: higher first; 0 = nothing matched.
struct RankedItem {
    ChangelogItem item;
    int score = 0;
    std::vector<std::string> why;  // "subject module:", "names load_module"...
};

// Ranks items for a change seen in the loader: subjects under module:/modules:/kmod (10), naming
// kernel/module, x86/module, elf or module signing (5), naming one of `functions` (8 each; e.g.
// the stack frames of the case's kernel log). Sorted by score, then changelog order; only items
// with a score above 0 unless `keep_unmatched`.
std::vector<RankedItem> rank_changelog_items(const std::vector<ChangelogItem>& items, const std::vector<std::string>& functions,
                                             bool keep_unmatched = false);

}  // namespace mh::kernels
