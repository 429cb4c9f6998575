// Crash replay, minimisation and C reproducers (see repro.h).
#include "harness/campaign/repro.h"

#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include "harness/campaign/delta_debug.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/campaign/image_diff.h"
#include "harness/guest_guard/guard_c.h"
#include "harness/sys/module_abi.h"

namespace mh::campaign {

namespace fs = std::filesystem;

Expected<ReplayOutcome> replay_inputs(const ReplayOptions& o, const std::vector<mutate::Bytes>& inputs) {
    FuzzVmSpec spec;
    spec.kernel = o.kernel;
    spec.executor = o.executor;
    spec.engine = o.engine;
    spec.engine_argv = {"/fuzz/engine", "-runs=1", "-timeout=0", "-rss_limit_mb=0"};  // no setitimer in the fuzz kernel
    for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string name = "mh/replay/input-" + std::to_string(i);
        spec.work_files.push_back({name, std::string(inputs[i].begin(), inputs[i].end())});
        spec.engine_argv.push_back("/" + name);
    }
    spec.files.insert(spec.files.end(), o.environment.begin(), o.environment.end());
    spec.accel = o.accel;
    spec.memory_mb = o.memory_mb;
    spec.tsc_khz = o.tsc_khz;
    spec.work_dir = o.work_dir;
    spec.total_timeout = std::chrono::seconds(300 + 30 * static_cast<long>(inputs.size()));
    spec.interrupted = o.interrupted;
    spec.snapshot = o.snapshot.get();
    auto r = run_fuzz_vm(spec);
    if (!r) return r.error();
    if (!r->vm.booted)
        return environment_error("the replay VM did not boot (" + r->vm.vm_event + ", " + r->vm.exit_status +
                                 "); console: " + (o.work_dir / "console.log").string());
    if (r->error) return environment_error("guest: " + r->error->get_or("message", "error"));
    ReplayOutcome out;
    out.seconds = r->vm.wall_seconds;
    out.restored = r->vm.restored;
    const auto report = crash_report_of(*r);
    out.crashed = r->crash.has_value() || report.has_value();
    if (!out.crashed) return out;
    if (report) {
        out.title = report->title;
        out.excerpt = report->excerpt;
    } else {
        out.title = r->crash->get_or("kind", "crash");
    }
    const std::string culprit = crash_input_of(*r);
    for (size_t i = 0; i < inputs.size(); ++i)
        if (culprit.size() == inputs[i].size() &&
            std::memcmp(culprit.data(), inputs[i].data(), culprit.size()) == 0)  // bytes, not signed chars
            out.crashing_index = static_cast<int>(i);
    return out;
}

namespace {

struct Candidate {
    mutate::FuzzInput input;
    std::string step;
};

std::vector<std::string> tokens(const std::string& params) {
    std::vector<std::string> out;
    std::istringstream in(params);
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

// Simpler variants of `best`, most aggressive first.
std::vector<Candidate> candidates(const mutate::FuzzInput& best) {
    std::vector<Candidate> out;
    if (!best.call.params.empty()) {
        mutate::FuzzInput c = best;
        c.call.params.clear();
        out.push_back({c, "params: cleared \"" + best.call.params + "\""});
        const auto t = tokens(best.call.params);
        if (t.size() > 1)
            for (size_t i = 0; i < t.size(); ++i) {
                mutate::FuzzInput d = best;
                d.call.params.clear();
                for (size_t j = 0; j < t.size(); ++j)
                    if (j != i) d.call.params += (d.call.params.empty() ? "" : " ") + t[j];
                out.push_back({d, "params: dropped '" + t[i] + "'"});
            }
    }
    if (best.call.actions != 0) {
        mutate::FuzzInput c = best;
        c.call.actions = 0;
        out.push_back({c, "actions: cleared " + mutate::describe_actions(best.call.actions)});
        for (unsigned bit = 0; bit < 16; ++bit)
            if ((best.call.actions & (1u << bit)) && best.call.actions != (1u << bit)) {
                mutate::FuzzInput d = best;
                d.call.actions = static_cast<uint16_t>(best.call.actions & ~(1u << bit));
                out.push_back({d, "actions: dropped " + mutate::describe_actions(static_cast<uint16_t>(1u << bit))});
            }
    }
    if (best.call.flags != 0) {
        mutate::FuzzInput c = best;
        c.call.flags = 0;
        out.push_back({c, "flags: " + std::to_string(best.call.flags) + " -> 0"});
    }
    if (best.call.syscall == mutate::Syscall::finit_module && best.call.flags == 0) {
        mutate::FuzzInput c = best;
        c.call.syscall = mutate::Syscall::init_module;
        out.push_back({c, "call: finit_module -> init_module"});
    }
    if (best.call.syscall == mutate::Syscall::finit_module && best.call.fd_kind != mutate::FdKind::memfd) {
        mutate::FuzzInput c = best;
        c.call.fd_kind = mutate::FdKind::memfd;
        out.push_back({c, "fd: " + std::string(mutate::fd_kind_name(best.call.fd_kind)) + " -> memfd"});
    }
    // Bytes past the section header table are junk to the loader (unless a trailer matters).
    if (best.image.size() >= 64) {
        const auto le = [&](size_t off, size_t w) {
            uint64_t v = 0;
            for (size_t i = 0; i < w && off + i < best.image.size(); ++i) v |= uint64_t{best.image[off + i]} << (8 * i);
            return v;
        };
        const uint64_t end = le(40, 8) + le(60, 2) * le(58, 2);
        if (end >= 64 && end < best.image.size()) {
            mutate::FuzzInput c = best;
            c.image.resize(end);
            out.push_back({c, "image: cut " + std::to_string(best.image.size() - end) + " bytes after the section headers"});
        }
    }
    return out;
}

}  // namespace

namespace {

// The image part of minimisation: ddmin over the differences from the nearest seed.
Status minimise_image(const ReplayOptions& o, mutate::FuzzInput& best, const std::string& title, const std::vector<SeedImage>& seeds,
                      int max_vms, MinimiseResult& res) {
    const SeedImage* seed = nullptr;
    size_t distance = 0;
    for (const auto& s : seeds)
        if (size_t d = image_distance(s.image, best.image); !seed || d < distance) {
            seed = &s;
            distance = d;
        }
    if (!seed) return ok_status();
    // An image that shares little with every seed was not mutated from one (a random or
    // byte-engine input): its "differences" would be the whole file.
    if (distance > std::max(seed->image.size(), best.image.size()) / 2) {
        res.steps.push_back("image: no seed is near (" + std::to_string(distance) + " bytes differ from '" + seed->name + "')");
        return ok_status();
    }
    const auto diffs = diff_images(seed->image, best.image);
    res.seed = seed->name;
    res.differences_before = diffs.size();
    auto candidate = [&](const std::vector<size_t>& keep) {
        mutate::FuzzInput c = best;
        c.image = apply_differences(seed->image, best.image, diffs, keep);
        return mutate::encode(c);
    };
    auto tester = [&](const std::vector<std::vector<size_t>>& cands) -> Expected<BatchOutcome> {
        std::vector<mutate::Bytes> batch;
        for (const auto& k : cands) batch.push_back(candidate(k));
        ReplayOptions vo = o;
        vo.work_dir = o.work_dir / ("structural-" + std::to_string(res.structural_vms));
        auto r = replay_inputs(vo, batch);
        ++res.structural_vms;
        ++res.vms;
        if (!r) return r.error();
        if (!r->crashed) return BatchOutcome{std::nullopt, batch.size()};
        if (r->crashing_index < 0) return BatchOutcome{std::nullopt, batch.size()};  // cannot tell which: none kept
        const auto idx = static_cast<size_t>(r->crashing_index);
        if (r->title == title) return BatchOutcome{idx, idx + 1};
        return BatchOutcome{std::nullopt, idx + 1};  // another crash: that candidate is not equivalent
    };
    MH_TRY_ASSIGN(dd, ddmin(diffs.size(), tester, max_vms));
    res.structural_exhausted = dd.exhausted;
    best.image = apply_differences(seed->image, best.image, diffs, dd.kept);
    for (size_t k : dd.kept) {
        res.differences.push_back(diffs[k].text());
        res.kept.push_back(diffs[k]);
    }
    res.steps.push_back("image: " + std::to_string(diffs.size()) + " differences from seed '" + seed->name + "' -> " +
                        std::to_string(dd.kept.size()) + " in " + std::to_string(dd.batches) + " VMs" +
                        (dd.exhausted ? " (VM budget spent: may not be minimal)" : ""));
    return ok_status();
}

}  // namespace

Expected<MinimiseResult> minimise_crash(const ReplayOptions& o, const mutate::Bytes& input, const std::string& title, int max_vms,
                                        const std::vector<SeedImage>& seeds, int max_structural_vms) {
    MinimiseResult res;
    mutate::FuzzInput best = mutate::decode(input);
    if (!best.history.empty())
        res.steps.push_back("history: dropped " + std::to_string(best.history.size()) + " steps (not seen by the kernel)");
    best.history.clear();
    std::set<mutate::Bytes> tried;
    while (res.vms < max_vms) {
        std::vector<Candidate> cands;
        for (auto& c : candidates(best))
            if (!tried.count(mutate::encode(c.input))) cands.push_back(std::move(c));
        if (cands.empty()) break;
        std::vector<mutate::Bytes> batch;
        for (const auto& c : cands) batch.push_back(mutate::encode(c.input));
        ReplayOptions vo = o;
        vo.work_dir = o.work_dir / ("minimise-" + std::to_string(res.vms));
        auto r = replay_inputs(vo, batch);
        ++res.vms;
        if (!r) return r.error();
        // The VM ran the candidates in order up to the one that crashed (or all of them).
        const size_t ran = r->crashing_index < 0 ? batch.size() : static_cast<size_t>(r->crashing_index) + 1;
        for (size_t i = 0; i < ran; ++i) tried.insert(batch[i]);
        if (!r->crashed || r->crashing_index < 0) break;  // none of the simpler variants crashes
        if (r->title != title) {
            // Another crash: that candidate is not equivalent; it is not tried again.
            res.steps.push_back("rejected (" + cands[static_cast<size_t>(r->crashing_index)].step + "): crashed as '" + r->title + "'");
            continue;
        }
        best = cands[static_cast<size_t>(r->crashing_index)].input;
        res.steps.push_back(cands[static_cast<size_t>(r->crashing_index)].step);
    }
    MH_TRY(minimise_image(o, best, title, seeds, max_structural_vms, res));
    res.input = mutate::encode(best);
    return res;
}

std::string c_reproducer(const mutate::FuzzInput& in, const std::string& title) {
    std::ostringstream c;
    c << "// Reproducer generated by modharness for: " << title << "\n"
      << "// Call: " << mutate::describe_call(in.call) << "\n"
      << "// It crashes the kernel it runs on, so it refuses to run outside a modharness VM: the same\n"
      << "// guard as the harness's own guest programs (PID 1 is /init, the root is an initramfs, the\n"
      << "// token in /mh/token is on the kernel command line as modharness.guest=TOKEN). To run it in\n"
      << "// a throwaway VM of your own, make it that VM's /init:\n"
      << "//   cc -O2 -static -o init repro.c && mkdir -p r/mh r/proc && cp init r/ && echo $TOKEN > r/mh/token\n"
      << "//   (cd r && find . | cpio -o -H newc) > repro.cpio\n"
      << "//   qemu-system-x86_64 -nographic -kernel bzImage -initrd repro.cpio -append \"console=ttyS0 modharness.guest=$TOKEN\"\n"
      << "// The fuzzing VM had mh_provider loaded (corpus/modules/provider): load it first if the\n"
      << "// image imports its symbols.\n";
    if (in.call.actions)
        c << "// Not done here: the input's actions around the call (" << mutate::describe_actions(in.call.actions)
          << "); if this does not crash, replay with `modharness repro`.\n";
    c << "#define _GNU_SOURCE\n#include <fcntl.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
      << "#include <sys/mman.h>\n#include <sys/syscall.h>\n#include <unistd.h>\n"
      << guest_guard::guard_c_source() << "\n"
      << "static const unsigned char image[" << std::max<size_t>(in.image.size(), 1) << "] = {";
    for (size_t i = 0; i < in.image.size(); ++i) {
        if (i % 16 == 0) c << "\n   ";
        char b[8];
        std::snprintf(b, sizeof b, " 0x%02x,", in.image[i]);
        c << b;
    }
    c << "\n};\n\nint main(void)\n{\n"
      << "\tconst char *why = mh_guard_refusal();\n"
      << "\tif (why) {\n"
      << "\t\tfprintf(stderr, \"repro: refusing to run: %s\\nrepro: this program crashes the kernel; it runs only inside a modharness VM\\n\", why);\n"
      << "\t\treturn 2;\n\t}\n"
      << "\tconst char *params = \"";
    for (char ch : in.call.params) {
        char b[8];
        if (ch == '"' || ch == '\\')
            c << '\\' << ch;
        else if (ch >= 0x20 && ch < 0x7f)
            c << ch;
        else {
            std::snprintf(b, sizeof b, "\\x%02x\"\"", static_cast<unsigned char>(ch));
            c << b;
        }
    }
    c << "\";\n\tlong r;\n";
    if (in.call.syscall == mutate::Syscall::init_module) {
        c << "\tr = syscall(" << sys::kNrInitModule << " /* init_module */, image, (unsigned long)" << in.image.size() << ", params);\n";
    } else {
        switch (in.call.fd_kind) {
            case mutate::FdKind::pipe:
                c << "\t(void)image; /* the descriptor is a pipe, not the image */\n\tint p[2];\n\tif (pipe(p)) return 1;\n\tint fd = p[0];\n";
                break;
            case mutate::FdKind::memfd:
                c << "\tint fd = memfd_create(\"repro\", 0);\n\tif (fd < 0 || write(fd, image, sizeof image) != (ssize_t)sizeof image) return 1;\n";
                break;
            default:
                c << "\tint w = open(\"/tmp/repro.ko\", O_WRONLY | O_CREAT | O_TRUNC, 0600);\n"
                  << "\tif (w < 0 || write(w, image, sizeof image) != (ssize_t)sizeof image) return 1;\n\tclose(w);\n"
                  << "\tint fd = open(\"/tmp/repro.ko\", " << (in.call.fd_kind == mutate::FdKind::wronly ? "O_WRONLY" : "O_RDONLY")
                  << ");\n";
        }
        c << "\tr = syscall(" << sys::kNrFinitModule << " /* finit_module */, fd, params, " << in.call.flags << "u);\n";
    }
    c << "\tprintf(\"returned %ld\\n\", r);\n\tif (r < 0) perror(\"module syscall\");\n\treturn 0;\n}\n";
    return c.str();
}

}  // namespace mh::campaign
