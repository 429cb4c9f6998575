// The input of one case as it ran: the "input" object of its result record, with relative
// values resolved, and the check that the guest passed what the host resolved.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/common/kv.h"
#include "harness/session/host_case.h"

namespace mh::session {

// The init_module length the host resolves for this case from its built image (len=image-1 of a
// 5000-byte image: 4999); nullopt when no caller uses init_module. Known once the batch is built.
std::optional<uint64_t> resolved_len(const HostCase& hc);

// The length the guest's result frame says was passed ("len"); nullopt when the frame has none
// or a malformed one (the frame crossed a serial port from a guest that may be crashing).
std::optional<uint64_t> echoed_len(const KvRecord& guest_frame);

// Why the guest's frame disagrees with the host's resolution ("" when it agrees or says
// nothing): such a case did not run the input its record states, so it is BROK.
std::string input_echo_mismatch(const HostCase& hc, const KvRecord& guest_frame);

// The "input" object of a result record (docs/conformance-json.md): the call and every input it
// was made with, resolved as the guest passed them (`len` from the guest's echo when it sent
// one, else the host's resolution), the expression they came from (`len_expr`), the image's
// size and hash, the malformations and their seed, the seed module's name.
nlohmann::json input_to_json(const HostCase& hc, const std::optional<KvRecord>& guest_frame);

}  // namespace mh::session
