// Batch assembly: images in /mh/img/<hash>.ko, cases in /mh/cases, executor as /init.
#include "harness/session/batch_builder.h"

#include <zlib.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "harness/common/files.h"
#include "harness/common/kv.h"
#include "harness/elf/reader.h"
#include "harness/session/input_hash.h"
#include "harness/vm/cpio.h"
#include "harness/vm/guest_token.h"

namespace mh::session {
namespace {

// The common reader, with errors that say what the file was for ("cannot read seed module P").
Expected<std::string> read_batch_file(const std::filesystem::path& p, const std::string& what) {
    auto r = read_text_file(p);
    if (!r) return make_error("cannot read " + what + " " + p.string());
    return r;
}

// Content name: two CRCs with different seeds and the length; collisions would need both to match.
std::string content_name(const std::string& bytes) {
    auto crc = [&](unsigned long seed) {
        return static_cast<unsigned>(::crc32_z(seed, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
    };
    char b[64];
    std::snprintf(b, sizeof b, "%08x%08x-%zu", crc(0), crc(0x5a5a5a5a), bytes.size());
    return b;
}

}  // namespace

Expected<PreparedBatch> build_batch(std::vector<HostCase> cases, const BatchInputs& inputs, const std::filesystem::path& work_dir) {
    PreparedBatch batch;
    if (inputs.token.empty()) {
        MH_TRY_ASSIGN(token, vm::guest_token());
        batch.token = std::move(token);
    } else {
        batch.token = inputs.token;
    }
    auto exe = read_batch_file(inputs.executor, "guest executor");
    if (!exe) return environment_error(exe.error().message);

    vm::CpioWriter cpio;
    for (const char* d : {"mh", "mh/img", "proc", "sys", "dev", "tmp"}) cpio.add_directory(d);
    cpio.add_char_device("dev/console", 5, 1);
    cpio.add_file("init", *exe, 0755);
    cpio.add_file("mh/token", batch.token);

    std::map<std::string, std::string> added;  // content name -> guest path
    std::string case_lines;
    for (auto& hc : cases) {
        // The cause's kind is kept: a missing synthesis profile stays an environment error.
        auto fail = [&](const std::string& why, ErrorKind kind = ErrorKind::kInput) {
            return make_error(hc.source + " (case " + hc.guest.id + "): " + why, kind);
        };
        // The resolved input is known: a recorded result of another input is not kept (--resume).
        auto settle_recorded = [&hc](std::string_view image_bytes) {
            hc.input_hash = input_hash(hc.canonical, image_bytes);
            if (hc.recorded && hc.recorded_hash != hc.input_hash) {
                hc.recorded = false;
                hc.changed_since_recorded = true;
            }
        };
        if (hc.image == "none") settle_recorded({});
        if (hc.image != "none") {
            std::string bytes;
            std::string base_name;
            if (hc.image.rfind("seed:", 0) == 0) {
                std::string name = hc.image.substr(5);
                auto it = inputs.seeds.find(name);
                if (it == inputs.seeds.end())
                    return fail("no seed module '" + name + "' was built for this kernel", ErrorKind::kEnvironment);
                auto r = read_batch_file(it->second, "seed module");
                if (!r) return fail(r.error().message, ErrorKind::kEnvironment);  // a seed just built
                bytes = std::move(r).value();
            } else if (hc.image.rfind("synth:", 0) == 0) {
                // synth:RET or synth:RET:NAME
                std::string spec = hc.image.substr(6);
                std::string name = "mh_synth";
                if (auto colon = spec.find(':'); colon != std::string::npos) {
                    name = spec.substr(colon + 1);
                    spec = spec.substr(0, colon);
                }
                char* end = nullptr;
                long ret = std::strtol(spec.c_str(), &end, 0);
                if (spec.empty() || *end || ret < INT32_MIN || ret > INT32_MAX) return fail("synth: needs an int init value");
                if (!inputs.synth) return fail("module synthesis is not available here");
                auto m = inputs.synth(static_cast<int32_t>(ret), name);
                if (!m) return fail("synth: " + m.error().message, m.error().kind);
                bytes.assign(m->begin(), m->end());
            } else {
                auto r = read_batch_file(hc.image.substr(5), "image file");
                if (!r) return fail(r.error().message);
                bytes = std::move(r).value();
            }
            auto as_span = [](const std::string& s) {
                return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
            };
            // The name to unload by: the unmodified image's (malformations may make it unreadable).
            if (auto n = elf::module_name(as_span(bytes))) base_name = *n;
            for (const auto& id : hc.malformations) {
                if (!inputs.malform) return fail("malformations are not available in this build");
                if (inputs.known_malformation && !inputs.known_malformation(id))
                    return fail("unknown malformation '" + id + "' (see modharness malformations)");
                auto m = inputs.malform(id, as_span(bytes), hc.malform_seed);
                if (!m) {
                    // Known but not applicable to this image (e.g. needs a signed module): CONF, not fatal.
                    hc.skip_reason = "malformation " + id + " does not apply to " + hc.image + ": " + m.error().message;
                    break;
                }
                bytes.assign(m->begin(), m->end());
            }
            settle_recorded(bytes);
            if (!hc.skip_reason.empty()) continue;
            hc.image_bytes = bytes.size();
            hc.image_hash = image_hash(bytes);
            if (hc.recorded) continue;  // resolved for its size only: it is not run again
            if (auto n = elf::module_name(as_span(bytes)))
                hc.guest.module_name = *n;
            else
                hc.guest.module_name = base_name;
            std::string name = content_name(bytes);
            auto [it, inserted] = added.emplace(name, "/mh/img/" + name + ".ko");
            if (inserted) cpio.add_file(it->second.substr(1), bytes);
            hc.guest.image = it->second;
        }
        if (hc.recorded) continue;
        case_lines += kv_format(protocol::to_record(hc.guest));
        case_lines.push_back('\n');
    }
    cpio.add_file("mh/cases", case_lines);
    batch.image_count = added.size();

    std::error_code ec;
    std::filesystem::create_directories(work_dir, ec);
    batch.initrd = work_dir / "initrd.cpio";
    std::string archive = cpio.finish();
    std::ofstream out(batch.initrd, std::ios::binary | std::ios::trunc);
    out.write(archive.data(), static_cast<std::streamsize>(archive.size()));
    out.close();  // a delayed write error shows at close
    if (!out) return storage_error("cannot write " + batch.initrd.string());
    batch.initrd_bytes = archive.size();
    batch.cases = std::move(cases);
    return batch;
}

}  // namespace mh::session
