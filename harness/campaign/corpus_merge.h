// Corpus minimisation of several campaigns into one (`modharness fuzz merge`): libFuzzer's own
// -merge=1 runs inside a fuzz VM on the kernel, so its features are the kernel's (KCOV edges on a
// fuzz kernel, the black-box errno/log features on a stock one) and the inputs it keeps are the
// fewest, smallest first, that keep every feature of the union. A second VM runs the kept inputs
// once to measure the kernel PCs they still reach against the PCs of all inputs.
#pragma once

#include <string>
#include <vector>

#include "harness/campaign/repro.h"
#include "harness/common/expected.h"
#include "harness/coverage/coverage_pcs.h"

namespace mh::campaign {

struct CorpusFile {
    std::string name;  // file name (in a campaign's corpus/: the content hash)
    std::string data;
    std::string from;  // the directory it came from
};

// The regular files of a corpus directory (a campaign directory means its corpus/), dot files
// skipped, sorted by name.
Expected<std::vector<CorpusFile>> read_corpus_dir(const std::filesystem::path& dir);

// Drops files whose bytes an earlier file already has; returns how many were dropped.
size_t drop_duplicate_inputs(std::vector<CorpusFile>& files);

struct MergeResult {
    std::vector<CorpusFile> kept;  // as libFuzzer wrote them (named by their SHA-1)
    coverage::PcSet pcs_all;  // kernel PCs while every input ran once (the merge VM)
    coverage::PcSet pcs_kept;  // kernel PCs of the kept inputs run once (empty: not measured)
    bool kept_measured = false;
    std::string feedback;  // kcov, blackbox (as the guest target reported it)
    std::string summary;  // libFuzzer's "MERGE-OUTER: N new files with F new features added; C new coverage edges"
    struct Excluded {
        CorpusFile file;
        std::string title;
    };
    std::vector<Excluded> excluded;  // inputs that crashed the kernel in the merge VM (then merged without them)
    int vms = 0;
    int vms_restored = 0;
    double seconds = 0;
};

// Merges `inputs` in a fuzz VM described by `o` (o.engine: the structure-aware libFuzzer target),
// with `shell` as the guest's /bin/sh. An input that crashes the kernel is set aside and the
// merge runs again without it (at most `max_crashes` times). With `measure_kept`, a second VM
// runs the kept inputs once for pcs_kept.
Expected<MergeResult> merge_corpus(const ReplayOptions& o, const std::filesystem::path& shell, const std::vector<CorpusFile>& inputs,
                                   bool measure_kept, int max_crashes = 8);

}  // namespace mh::campaign
