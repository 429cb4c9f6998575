// AFL++ custom mutator (mh-afl-mutator.so, loaded by afl-fuzz through AFL_CUSTOM_MUTATOR_LIBRARY)
// over the one mutator core (harness/mutate/mutator.h); it also exports AFL's new finds for the
// supervisor to sync, named by content so that no input reaches the host corpus twice.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness/common/files.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/mutate/mutator.h"

namespace {

// Directory the supervisor watches (the engine's watch dir in harness/campaign/campaign.cpp).
constexpr const char* kDefaultExportDir = "/tmp/mh-afl-new";

uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// MH_FUZZ_WEIGHTS (modharness fuzz --weights) shifts the mix of step kinds, as for libFuzzer.
mh::mutate::MutatorWeights weights_from_env() {
    const char* w = std::getenv("MH_FUZZ_WEIGHTS");
    auto parsed = mh::mutate::parse_weights(w ? w : "");
    return parsed ? *parsed : mh::mutate::MutatorWeights{};
}

struct State {
    mh::mutate::Mutator core{weights_from_env()};
    uint64_t rng = 0;
    size_t max_len = 0;  // the campaign's -max_len (MH_AFL_MAX_LEN); 0: AFL's own limit only
    std::string export_dir;
    mh::mutate::Bytes out;  // the buffer handed to AFL (it stays ours)
    std::string description;
};

// 128-bit content name (two independent FNV-1a passes): equal inputs get equal names on every VM.
std::string content_name(const std::string& data) {
    uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
    for (unsigned char c : data) {
        a = (a ^ c) * 0x100000001b3ull;
        b = (b ^ static_cast<uint8_t>(c + 0x5b)) * 0x100000001b3ull;
    }
    char name[48];
    std::snprintf(name, sizeof name, "afl-%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
    return name;
}

// Written under a dot name and renamed: the supervisor never reads half a file.
void export_entry(const State& st, const char* queue_file) {
    if (st.export_dir.empty()) return;
    const auto entry = mh::read_text_file(queue_file);
    if (!entry || entry->empty()) return;
    const std::string& data = *entry;
    const std::string name = content_name(data);
    const std::string final_path = st.export_dir + "/" + name;
    struct stat sb {};
    if (::stat(final_path.c_str(), &sb) == 0) return;
    const std::string tmp = st.export_dir + "/." + name;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace

extern "C" {

void* afl_custom_init(void* /*afl*/, unsigned int seed) {
    auto* st = new State;
    st->rng = (static_cast<uint64_t>(seed) << 32) ^ seed ^ 0x6d682d61666c2b2bull;
    if (const char* m = std::getenv("MH_AFL_MAX_LEN")) st->max_len = std::strtoull(m, nullptr, 10);
    const char* dir = std::getenv("MH_AFL_EXPORT_DIR");
    st->export_dir = dir ? dir : kDefaultExportDir;
    if (!st->export_dir.empty()) ::mkdir(st->export_dir.c_str(), 0755);
    return st;
}

// One mutant of buf (with add_buf, another queue entry, a crossover of the two some of the time).
size_t afl_custom_fuzz(void* data, uint8_t* buf, size_t buf_size, uint8_t** out_buf, uint8_t* add_buf, size_t add_buf_size,
                       size_t max_size) {
    auto* st = static_cast<State*>(data);
    if (st->max_len) max_size = std::min(max_size, std::max<size_t>(st->max_len, 64));
    const uint64_t seed = splitmix(st->rng);
    if (add_buf && add_buf_size && seed % 5 == 0)
        st->out = st->core.crossover({buf, buf_size}, {add_buf, add_buf_size}, max_size, splitmix(st->rng));
    else
        st->out = st->core.mutate({buf, buf_size}, max_size, seed);
    if (st->out.empty()) st->out.assign(buf, buf + std::min(buf_size, max_size));  // AFL needs a length > 0
    if (st->out.empty()) st->out.push_back(0);
    st->description.clear();
    *out_buf = st->out.data();
    return st->out.size();
}

// Names AFL's queue and crash files: the step that made the last mutant ("field:shdr.sh_size").
const char* afl_custom_describe(void* data, size_t max_len) {
    auto* st = static_cast<State*>(data);
    const auto in = mh::mutate::decode(st->out);
    std::string d = in.history.empty() ? "mh" : mh::mutate::describe_history({in.history.back()});
    for (char& c : d)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' && c != ':' && c != '_') c = '_';
    if (d.size() > max_len) d.resize(max_len);
    st->description = "mh:" + d;
    if (st->description.size() > max_len) st->description.resize(max_len);
    return st->description.c_str();
}

// Inputs with nothing for the structure-aware core to work on (AFL++ takes -i recursively, so
// the initramfs's /mh/token and /mh/fuzz.conf are in its queue too) are run but not fuzzed.
uint8_t afl_custom_queue_get(void* /*data*/, const uint8_t* filename) {
    char head[4] = {};
    const int fd = ::open(reinterpret_cast<const char*>(filename), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    const ssize_t n = ::read(fd, head, sizeof head);
    ::close(fd);
    if (n != 4) return 0;
    return std::memcmp(head, mh::mutate::kMagic.data(), 4) == 0 || std::memcmp(head,
                                                                               "\x7f"
                                                                               "ELF",
                                                                               4) == 0;
}

// A new queue entry: found by mutation (orig set) -> exported; initial and imported entries are
// already on the host and are not.
uint8_t afl_custom_queue_new_entry(void* data, const uint8_t* filename_new_queue, const uint8_t* filename_orig_queue) {
    if (filename_orig_queue && filename_new_queue)
        export_entry(*static_cast<State*>(data), reinterpret_cast<const char*>(filename_new_queue));
    return 0;  // the file is unchanged
}

void afl_custom_deinit(void* data) { delete static_cast<State*>(data); }

}  // extern "C"
