// The kernel matrix driver: per kernel fetch, run (suite or case files), reports and a finished record; N at a time.
#include "conformance/matrix_run.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "conformance/case_file_run.h"
#include "conformance/report/report.h"
#include "conformance/report/run_view.h"
#include "conformance/suite.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"

namespace mh::conformance {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
// Seconds as people read them: hundredths are plenty, and the JSON stays short.
double centi(double s) { return std::round(s * 100.0) / 100.0; }

// The status an error leaves a kernel in.
std::string status_for(const Error& e) {
    switch (e.kind) {
        case ErrorKind::kInterrupted: return "interrupted";
        case ErrorKind::kStorage: return "stopped";
        default: return "failed";
    }
}

// Suite wall time minus its batches is preparation (seeds, initramfs, accelerator); VM boots per group.
void timings_from_run(const nlohmann::json& run, KernelRun& k) {
    double batches = 0;
    int vms = 0;
    if (run.is_object() && run.contains("groups") && run["groups"].is_array())
        for (const auto& g : run["groups"]) {
            batches += num(g, "wall_seconds");
            vms += static_cast<int>(num(g, "vms"));
        }
    k.run_seconds = batches;
    k.prepare_seconds = std::max(0.0, num(run, "wall_seconds") - batches);
    k.vm_boots = vms;
}

nlohmann::json seconds_json(const KernelRun& k) {
    return {{"fetch", centi(k.fetch_seconds)},
            {"prepare", centi(k.prepare_seconds)},
            {"run", centi(k.run_seconds)},
            {"total", centi(k.total_seconds)}};
}

// The finished record: written last, so its presence means the run and its reports are whole.
Status write_finished_record(const fs::path& dir, const KernelRun& k, const MatrixSelection& sel) {
    nlohmann::json rec = {{"schema", kMatrixKernelSchema}, {"name", k.member.name},      {"release", k.member.release},
                          {"selection", sel.to_json()},    {"status", k.status},         {"downloaded", k.downloaded},
                          {"vm_boots", k.vm_boots},        {"seconds", seconds_json(k)}, {"finished_utc", utc_now_iso()}};
    return write_file_atomic(dir / kMatrixKernelFile, rec.dump(1) + "\n");
}

// A kernel finished by an earlier matrix with the same selection: its run, reused as it is.
bool reuse_finished(const fs::path& dir, const MatrixSelection& sel, KernelRun& k) {
    auto text = read_text_file(dir / kMatrixKernelFile);
    if (!text) return false;
    auto rec = nlohmann::json::parse(*text, nullptr, false);
    if (!rec.is_object() || str(rec, "schema") != kMatrixKernelSchema || str(rec, "status") != "ran") return false;
    if (!rec.contains("selection") || rec["selection"] != sel.to_json()) return false;
    if (!k.member.release.empty() && str(rec, "release") != k.member.release) return false;
    auto run = load_run(dir);
    if (!run) return false;
    k.run = std::move(run).value();
    const auto& s = obj(rec, "seconds");
    k.fetch_seconds = num(s, "fetch");
    k.prepare_seconds = num(s, "prepare");
    k.run_seconds = num(s, "run");
    k.total_seconds = num(s, "total");
    k.vm_boots = static_cast<int>(num(rec, "vm_boots"));
    k.downloaded = rec.value("downloaded", false);
    k.status = "resumed";
    return true;
}

// The reports `conform` writes beside conformance.json.
Status write_run_reports(const fs::path& dir, const nlohmann::json& run) {
    MH_TRY(write_file_atomic(dir / "summary.txt", summary_text(run)));
    MH_TRY(write_file_atomic(dir / "junit.xml", junit_xml(run)));
    MH_TRY(write_file_atomic(dir / "report.html", html_report(run)));
    return ok_status();
}

class Driver {
public:
    explicit Driver(const MatrixOptions& o) : o_(o) {
        result_.kernels.resize(o.kernels.size());
        for (std::size_t i = 0; i < o.kernels.size(); ++i) {
            result_.kernels[i].index = i;
            result_.kernels[i].member = o.kernels[i];
        }
    }

    MatrixRunResult run() {
        const auto t0 = Clock::now();
        const unsigned workers = std::max(1u, std::min<unsigned>(o_.jobs, static_cast<unsigned>(o_.kernels.size())));
        std::vector<std::thread> threads;
        for (unsigned w = 1; w < workers; ++w) threads.emplace_back([this] { work(); });
        work();
        for (auto& t : threads) t.join();
        result_.wall_seconds = since(t0);
        result_.interrupted = interrupted();
        return std::move(result_);
    }

private:
    bool interrupted() const { return o_.session.interrupted && o_.session.interrupted->load(); }

    void work() {
        for (;;) {
            const std::size_t i = next_.fetch_add(1);
            if (i >= result_.kernels.size()) return;
            if (interrupted() || stop_.load()) continue;  // left "not run"
            KernelRun k = result_.kernels[i];
            {
                std::lock_guard<std::mutex> g(mu_);
                if (o_.on_start) o_.on_start(k);
            }
            run_one(k);
            std::lock_guard<std::mutex> g(mu_);
            if (k.status == "stopped") {
                stop_ = true;
                if (result_.stopped.empty()) result_.stopped = k.error ? k.error->message : "results could not be stored";
            }
            result_.kernels[i] = k;
            ++finished_;
            if (o_.on_done) o_.on_done(k, finished_);
        }
    }

    void progress(const KernelRun& k, const std::string& line) {
        std::lock_guard<std::mutex> g(mu_);
        if (o_.on_progress) o_.on_progress(k, line);
    }

    void fail(KernelRun& k, const Error& e) {
        k.error = e;
        k.status = status_for(e);
    }

    void run_one(KernelRun& k) {
        const auto t0 = Clock::now();
        const fs::path dir = o_.out_dir / k.member.dir_name();
        if (o_.resume && reuse_finished(dir, o_.selection, k)) return;

        // The kernel first, timed on its own: the share of a matrix spent fetching is a cost to know.
        auto kernel = kernels::resolve_kernel(k.member.name, o_.session.fetch, k.member.user ? o_.session.build_tree : fs::path(),
                                              o_.session.interrupted);
        k.fetch_seconds = since(t0);
        if (!kernel) {
            fail(k, kernel.error());
            k.total_seconds = since(t0);
            return;
        }
        k.downloaded = !k.member.cached && !k.member.user;  // not in the cache when the set was expanded

        session::SessionOptions so = o_.session;
        so.kernel = k.member.name;
        so.out_dir = dir;
        so.resume = o_.resume;
        so.on_case = nullptr;
        so.on_progress = [this, &k](const std::string& s) { progress(k, s); };
        Expected<nlohmann::json> run = nlohmann::json();
        if (!o_.selection.case_files.empty()) {
            run = run_case_files(o_.selection.case_files, so);
        } else {
            SuiteOptions suite;
            suite.session = so;
            suite.conformance_dir = o_.selection.conformance_dir;
            suite.only_groups = o_.selection.groups;
            suite.case_filter = o_.selection.only;
            suite.man_page = o_.selection.man_page;
            suite.on_progress = so.on_progress;
            run = run_suite(suite);
        }
        k.total_seconds = since(t0);
        if (!run) {
            fail(k, run.error());
            return;
        }
        k.run = std::move(run).value();
        timings_from_run(k.run, k);
        if (k.run.contains("stopped")) {
            fail(k, storage_error(str(k.run, "stopped")));
            return;
        }
        if (auto w = write_run_reports(dir, k.run); !w) {
            fail(k, w.error());
            return;
        }
        if (k.run.value("interrupted", false) || interrupted()) {
            k.status = "interrupted";
            return;
        }
        k.status = "ran";
        k.total_seconds = since(t0);
        if (auto w = write_finished_record(dir, k, o_.selection); !w) fail(k, w.error());
    }

    const MatrixOptions& o_;
    MatrixRunResult result_;
    std::atomic<std::size_t> next_{0};
    std::atomic<bool> stop_{false};
    std::size_t finished_ = 0;
    std::mutex mu_;
};

}  // namespace

nlohmann::json MatrixSelection::to_json() const {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : case_files) {
        std::error_code ec;
        auto abs = fs::absolute(f, ec);
        files.push_back((ec ? f : abs).lexically_normal().string());
    }
    return {{"groups", groups}, {"only", only}, {"man_page", man_page}, {"case_files", files}};
}

nlohmann::json KernelRun::kernel_json() const {
    nlohmann::json j = {{"key", member.release.empty() ? member.name : member.release},
                        {"label", member.label()},
                        {"family", member.family()},
                        {"display", member.display()},
                        {"name", member.name},
                        {"release", member.release},
                        {"version", member.upstream},
                        {"debian_version", member.version},
                        {"image_package", member.image_package},
                        {"line", member.parts.line},
                        {"flavour", member.parts.flavour},
                        {"user", member.user},
                        {"from", member.from},
                        {"dir", member.dir_name()},
                        {"status", status},
                        {"downloaded", downloaded},
                        {"seconds", seconds_json(*this)}};
    if (error) j["error"] = error->message;
    if (run.is_object()) {
        j["accel"] = str(run, "accel");
        const auto& k = obj(run, "kernel");
        if (!str(k, "version").empty()) j["version"] = str(k, "version");
    }
    return j;
}

Expected<MatrixRunResult> run_matrix(const MatrixOptions& options) {
    if (options.kernels.empty()) return usage_error("the kernel set is empty");
    std::error_code ec;
    fs::create_directories(options.out_dir, ec);
    if (ec) return storage_error("cannot create output directory " + options.out_dir.string() + ": " + ec.message());
    Driver d(options);
    return d.run();
}

std::vector<MatrixColumn> matrix_columns(const MatrixRunResult& result) {
    std::vector<MatrixColumn> out;
    for (const auto& k : result.kernels) out.push_back({k.kernel_json(), k.run});
    return out;
}

nlohmann::json matrix_timing(const MatrixRunResult& result, unsigned jobs) {
    double fetch = 0, prepare = 0, run = 0, kernel_time = 0;
    int boots = 0, fetched = 0, resumed = 0;
    for (const auto& k : result.kernels) {
        if (k.status == "resumed") {
            ++resumed;
            continue;  // its time was spent by an earlier matrix
        }
        fetch += k.fetch_seconds;
        prepare += k.prepare_seconds;
        run += k.run_seconds;
        kernel_time += k.total_seconds;
        boots += k.vm_boots;
        fetched += k.downloaded ? 1 : 0;
    }
    return {{"wall_seconds", centi(result.wall_seconds)},
            {"kernel_seconds", centi(kernel_time)},
            {"fetch_seconds", centi(fetch)},
            {"fetch_share", kernel_time > 0 ? std::round(fetch / kernel_time * 1000.0) / 1000.0 : 0.0},
            {"prepare_seconds", centi(prepare)},
            {"run_seconds", centi(run)},
            {"vm_boots", boots},
            {"kernels_fetched", fetched},
            {"kernels_resumed", resumed},
            {"jobs", jobs}};
}

}  // namespace mh::conformance
