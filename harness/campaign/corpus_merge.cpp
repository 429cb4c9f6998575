// Corpus merge in a fuzz VM (see corpus_merge.h).
#include "harness/campaign/corpus_merge.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_set>

#include "harness/common/files.h"
#include "harness/common/packed_bytes.h"
#include "harness/common/text.h"
#include "harness/protocol/frame_types.h"
#include "harness/protocol/pc_list.h"

namespace mh::campaign {

namespace fs = std::filesystem;

Expected<std::vector<CorpusFile>> read_corpus_dir(const fs::path& dir) {
    std::error_code ec;
    fs::path d = dir;
    if (fs::is_directory(dir / "corpus", ec)) d = dir / "corpus";
    if (!fs::is_directory(d, ec)) return usage_error(dir.string() + " is not a directory (a campaign directory or a corpus directory)");
    std::vector<CorpusFile> out;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.' || !it->is_regular_file(ec)) continue;
        auto data = read_text_file(it->path());
        if (!data) return data.error();
        out.push_back({name, std::move(*data), dir.string()});
    }
    if (ec) return environment_error("cannot list " + d.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(), [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
    return out;
}

size_t drop_duplicate_inputs(std::vector<CorpusFile>& files) {
    std::unordered_set<std::string> seen;
    const size_t before = files.size();
    std::erase_if(files, [&](const CorpusFile& f) { return !seen.insert(f.data).second; });
    return before - files.size();
}

namespace {

// What one merge or measuring VM showed.
struct VmRun {
    FuzzVmResult result;
    coverage::PcSet pcs;
    std::vector<CorpusFile> corpus;  // files the guest synced from its watch directory
    std::string feedback, engine_log;
};

Expected<VmRun> run_vm(const ReplayOptions& o, const fs::path& shell, std::vector<std::string> argv, std::vector<GuestFile> work,
                       size_t input_bytes, const std::string& dir) {
    VmRun run;
    FuzzVmSpec spec;
    spec.kernel = o.kernel;
    spec.executor = o.executor;
    spec.engine = o.engine;
    spec.shell = shell;
    spec.engine_argv = std::move(argv);
    spec.work_files = std::move(work);
    spec.files.insert(spec.files.end(), o.environment.begin(), o.environment.end());
    spec.accel = o.accel;
    spec.memory_mb = o.memory_mb;
    spec.tsc_khz = o.tsc_khz;
    spec.work_dir = o.work_dir / dir;
    // Every input runs once (a loaded one takes ~50 ms under TCG, some far longer).
    spec.total_timeout = std::chrono::seconds(600 + static_cast<long>(spec.work_files.size()) + static_cast<long>(input_bytes >> 16));
    spec.interrupted = o.interrupted;
    spec.snapshot = o.snapshot.get();
    std::string bad_frame;
    spec.on_frame = [&](const vm::GuestFrame& f) {
        const auto type = protocol::frame_type(f.record);
        if (type == protocol::FrameType::Pcs) {
            protocol::for_each_pc(f.record.get_or("pcs", ""), [&run](uint64_t pc) { run.pcs.insert(pc); });
        } else if (type == protocol::FrameType::Stats) {
            run.feedback = f.record.get_or("feedback", run.feedback);
        } else if (type == protocol::FrameType::Corpus) {
            const std::string name = f.record.get_or("name", "");
            auto data = unpack_bytes(f.record.get_or("data", ""), std::strtoull(f.record.get_or("size", "0").c_str(), nullptr, 10));
            if (!data || name.empty() || name.find('/') != std::string::npos || name[0] == '.')
                bad_frame = "a damaged corpus frame from the merge VM (" + name + ")";
            else
                run.corpus.push_back({name, std::move(*data), "merge"});
        } else if (type == protocol::FrameType::End || type == protocol::FrameType::Crash) {
            run.engine_log = f.record.get_or("engine_log", "");
        }
    };
    auto r = run_fuzz_vm(spec);
    if (!r) return r.error();
    run.result = std::move(*r);
    if (!bad_frame.empty()) return environment_error(bad_frame);
    return run;
}

// libFuzzer's last "MERGE-OUTER: ... new files ..." line.
std::string merge_summary(const std::string& log) {
    std::string out;
    for (auto [line, n] : lines(log))
        if (line.starts_with("MERGE-OUTER:") && line.find("new files") != std::string_view::npos) out = std::string(line);
    return out;
}

}  // namespace

Expected<MergeResult> merge_corpus(const ReplayOptions& o, const fs::path& shell, const std::vector<CorpusFile>& inputs, bool measure_kept,
                                   int max_crashes) {
    MergeResult m;
    std::vector<CorpusFile> left = inputs;
    auto count = [&m](const VmRun& run) {
        ++m.vms;
        m.seconds += run.result.vm.wall_seconds;
        if (run.result.vm.restored) ++m.vms_restored;
    };
    auto max_len = [](const std::vector<CorpusFile>& files) {
        size_t n = 1;
        for (const auto& f : files) n = std::max(n, f.data.size());
        return n;
    };
    auto vm_failure = [&o](const VmRun& run, const char* what, const char* dir) {
        if (run.result.error) return environment_error(std::string(what) + ": guest: " + run.result.error->get_or("message", "error"));
        return environment_error(std::string(what) + " did not finish (" + run.result.vm.vm_event + ", " + run.result.vm.exit_status +
                                 "); console: " + (o.work_dir / dir / "console.log").string() + ", its end:\n" +
                                 run.result.console.substr(run.result.console.size() > 2000 ? run.result.console.size() - 2000 : 0));
    };
    for (;;) {
        if (left.empty()) return usage_error("nothing to merge: every input crashed the kernel");
        // Inputs by index: names from several campaigns may repeat.
        std::vector<GuestFile> work;
        size_t bytes = 0;
        for (size_t i = 0; i < left.size(); ++i) {
            work.push_back({"mh/merge/in/" + std::to_string(i), left[i].data});
            bytes += left[i].data.size();
        }
        // The first directory is the output (the supervisor's watch directory, synced to the host
        // as libFuzzer writes it); -timeout=0: the fuzz kernels have no setitimer.
        std::vector<std::string> argv = {
            "/fuzz/engine", "-merge=1",    "-timeout=0", "-rss_limit_mb=0", "-max_len=" + std::to_string(max_len(left)),
            "/tmp/corpus",  "/mh/merge/in"};
        MH_TRY_ASSIGN(run, run_vm(o, shell, argv, std::move(work), bytes, "merge"));
        count(run);
        if (o.interrupted && o.interrupted->load()) return make_error("interrupted");
        if (!run.result.vm.booted) return vm_failure(run, "the merge VM", "merge");
        const auto report = crash_report_of(run.result);
        if (run.result.crash || report) {
            // An input poisoned the kernel: merge again without it.
            const std::string culprit = crash_input_of(run.result);
            const std::string title = report ? report->title : run.result.crash->get_or("kind", "crash");
            auto it = std::find_if(left.begin(), left.end(), [&](const CorpusFile& f) { return !culprit.empty() && f.data == culprit; });
            if (it == left.end())
                return environment_error("the merge VM crashed (" + title + ") without naming an input it could set aside; engine log:\n" +
                                         run.engine_log);
            m.excluded.push_back({*it, title});
            left.erase(it);
            if (static_cast<int>(m.excluded.size()) > max_crashes)
                return environment_error(std::to_string(m.excluded.size()) + " inputs crashed the kernel during the merge: giving up");
            continue;
        }
        if (!run.result.ended) return vm_failure(run, "the merge VM", "merge");
        m.kept = std::move(run.corpus);
        m.pcs_all = std::move(run.pcs);
        m.feedback = run.feedback;
        m.summary = merge_summary(run.engine_log);
        if (m.summary.empty()) return environment_error("libFuzzer's merge said no MERGE-OUTER summary; engine log:\n" + run.engine_log);
        break;
    }
    std::sort(m.kept.begin(), m.kept.end(), [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
    if (!measure_kept || m.kept.empty()) return m;
    // The kept inputs once each: libFuzzer runs its starting corpus and stops (-runs=0).
    std::vector<GuestFile> work;
    size_t bytes = 0;
    for (const auto& f : m.kept) {
        work.push_back({"mh/merge/kept/" + f.name, f.data});
        bytes += f.data.size();
    }
    std::vector<std::string> argv = {
        "/fuzz/engine", "-runs=0", "-timeout=0", "-rss_limit_mb=0", "-max_len=" + std::to_string(max_len(m.kept)), "/mh/merge/kept"};
    MH_TRY_ASSIGN(run, run_vm(o, shell, argv, std::move(work), bytes, "measure"));
    count(run);
    if (o.interrupted && o.interrupted->load()) return make_error("interrupted");
    if (!run.result.vm.booted || !run.result.ended) return vm_failure(run, "the VM running the kept inputs", "measure");
    m.pcs_kept = std::move(run.pcs);
    m.kept_measured = true;
    return m;
}

}  // namespace mh::campaign
