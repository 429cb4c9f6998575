// The ready point of a guest booted for a snapshot: the host saves the VM while the executor
// blocks here, and every VM restored from that snapshot resumes here and reads which cases to run
// (and, for a fuzz VM, its fuzz.conf and inputs as files).
#pragma once

#include <string>

#include "harness/protocol/go_record.h"

namespace mh::executor {

// Blocks until a valid go record arrives on /dev/ttyS1 (its UART is the results channel's, set
// raw by ResultsPort). Lines that are no go record are skipped: a byte that arrives while a
// restore replaces the UART's state is lost, and the host sends the line again until the guest
// answers. Error only when ttyS1 cannot be read at all.
Expected<protocol::GoRecord> wait_for_go();

// After the go record announced `count` files: reads that many `file` records from the fw_cfg
// file protocol::kGoFilesFwCfgName and writes each under / (parents created). Anything that does
// not parse, or another count, is an error.
Status receive_go_files(int count);

// Mixes the go record's seed into the entropy pool, so restored guests do not share the random
// state the snapshot froze. Best effort: a guest without /dev/urandom runs unseeded.
void mix_seed(const std::string& seed_hex);

}  // namespace mh::executor
