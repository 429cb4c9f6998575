// What each named man page says (conformance/man_pages.txt): the pages, the distributions that
// ship them, and their statements per syscall; a run is scored against one page.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::conformance {

struct ManPage {
    std::string name;  // "manpages-6.03"
    std::vector<std::string> distros;  // "debian-12"; empty for the page of every other kernel
    bool fallback = false;  // "*": the page for kernels of no listed distribution
    std::string title;
};

// One statement of a page: an ERRORS entry or a sentence of DESCRIPTION / RETURN VALUE.
struct ManStatement {
    std::string key;  // "ENOEXEC.image"
    std::vector<std::string> pages;  // empty = every page
    bool init = false, finit = false;  // the calls the page says it for
    std::vector<int> result;  // errnos; 0 = success; 131 = sentinel
    std::string words;  // the page's text
    int line = 0;
};

struct ManPages {
    std::vector<ManPage> pages;
    std::map<std::string, ManStatement> says;
};

Expected<ManPages> parse_man_pages(const std::string& text, const std::string& source_name);

const ManPage* find_man_page(const ManPages& m, const std::string& name);
// The page of the distribution a kernel comes from ("debian-12"), else the "*" page.
const ManPage* default_man_page(const ManPages& m, const std::string& distro);
// "manpages-6.03, man-pages-git" for usage errors.
std::string man_page_names(const ManPages& m);

// What a page says about one input on one call ("init" / "finit", as input.call in the run JSON),
// from the statements a rule names: the union of their results, and the statements used.
// Statements the page lacks, or says for the other call only, are left out; nothing left = the
// page says nothing ("undocumented").
struct ManView {
    std::vector<int> errnos;
    std::vector<const ManStatement*> used;
    bool silent() const { return used.empty(); }
};
ManView man_view(const ManPages& m, const std::vector<std::string>& keys, const std::string& page, const std::string& call);

}  // namespace mh::conformance
