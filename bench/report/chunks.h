// Reassembles texts sent in numbered chunks over the results port (type=chunk frames).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/kv.h"

namespace mh::bench {

class ChunkAssembler {
public:
    // Takes a type=chunk record (stream, seq, total, data); other records are ignored.
    // Returns false for a malformed or inconsistent chunk (counted, not fatal).
    bool feed(const KvRecord& rec);
    // The whole text once every chunk of `stream` arrived; nullopt while any is missing.
    std::optional<std::string> text(const std::string& stream) const;
    // Sequence numbers not yet received (for error messages).
    std::vector<size_t> missing(const std::string& stream) const;
    size_t rejected() const { return rejected_; }

private:
    struct Stream {
        size_t total = 0;
        std::map<size_t, std::string> parts;
    };
    std::map<std::string, Stream> streams_;
    size_t rejected_ = 0;
};

}  // namespace mh::bench
