// Every record type of the guest<->host protocol, in one table: a new record type is one line.
//
// Results channel (guest -> host, framed lines on /dev/ttyS1, frame.h) and the files the host puts
// in a guest's initramfs (host -> guest, one kv record per line) both carry kv records whose first
// key is `type`; the wire names below are the values of that key.
#pragma once

#include <string_view>

#include "harness/common/kv.h"

namespace mh::protocol {

// X(enumerator, wire name, direction, what the record says)
#define MH_FRAME_TYPES(X) \
    /* every guest program */ \
    X(Hello, "hello", ToHost, "a guest program started: version, kernel release, taint") \
    X(Error, "error", ToHost, "the guest program could not go on: message") \
    X(End, "end", ToHost, "the guest program finished its work and powers off") \
    X(Chunk, "chunk", ToHost, "a piece of a guest file sent back over the channel (guest_env)") \
    /* case executor */ \
    X(Start, "start", ToHost, "a case is about to run: idx, id") \
    X(Result, "result", ToHost, "one case's result: errno, timing, taint, kmsg") \
    X(Restart, "restart", ToHost, "the VM is poisoned: restart it at case `next`") \
    X(Ready, "ready", ToHost, "a guest booted for a snapshot waits for `go` (snapshot-taking VM only)") \
    X(Go, "go", ToGuest, "restored guest: the cases to run (start, stop), the token, a random seed, how many files follow") \
    X(File, "file", ToGuest, "restored guest: one file under /mh (path, size, packed data), read from fw_cfg before its work starts") \
    /* fuzz supervisor */ \
    X(Engine, "engine", ToHost, "the fuzzing engine started") \
    X(Pcs, "pcs", ToHost, "new kernel PCs seen by KCOV") \
    X(Stats, "stats", ToHost, "periodic engine counters: execs, errnos, time split") \
    X(Corpus, "corpus", ToHost, "a new corpus entry") \
    X(Crash, "crash", ToHost, "the input running when the kernel oopsed or tainted") \
    X(Fuzz, "fuzz", ToGuest, "fuzz.conf head: engine, duration, options") \
    X(Arg, "arg", ToGuest, "fuzz.conf: one engine argument") \
    X(Env, "env", ToGuest, "fuzz.conf: one engine environment variable") \
    X(Mkdir, "mkdir", ToGuest, "fuzz.conf: a directory the engine needs") \
    /* load-latency benchmark */ \
    X(Skew, "skew", ToHost, "guest clock against host wall time, at start or end") \
    X(Note, "note", ToHost, "a fact about the benchmark run: key, text") \
    X(Sample, "sample", ToHost, "one timed load") \
    X(Store, "store", ToGuest, "bench manifest: where the modules are stored") \
    X(Module, "module", ToGuest, "bench manifest: one module to load") \
    X(Reject, "reject", ToGuest, "bench manifest: one early-rejection case") \
    X(Settings, "settings", ToGuest, "bench manifest: sample counts and filters")

enum class Direction { ToHost, ToGuest };

enum class FrameType {
    Unknown,  // missing `type`, or a value not in the table
#define MH_FRAME_ENUM(e, name, dir, what) e,
    MH_FRAME_TYPES(MH_FRAME_ENUM)
#undef MH_FRAME_ENUM
};

std::string_view frame_type_name(FrameType t);
FrameType frame_type_from_name(std::string_view name);
Direction frame_direction(FrameType t);

// The type of a record (Unknown when it has none or an unknown one).
FrameType frame_type(const KvRecord& record);
// A new record of this type (`type` is its first key).
KvRecord make_record(FrameType t);

}  // namespace mh::protocol
