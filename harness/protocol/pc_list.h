// The `pcs` key of a pcs frame: kernel PCs as comma-separated hex ("ffffffff81000000,..."), sent
// by the guest fuzz supervisor. Zero (or an unparsable item) is no PC.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

namespace mh::protocol {

template <class F>
void for_each_pc(const std::string& list, F&& f) {
    for (size_t at = 0; at < list.size();) {
        size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        if (const std::uint64_t pc = std::strtoull(list.c_str() + at, nullptr, 16)) f(pc);
        at = comma + 1;
    }
}

}  // namespace mh::protocol
