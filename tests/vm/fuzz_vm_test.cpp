// Fuzzing through the real CLI: a black-box campaign on a stock Debian kernel (no KCOV) that
// streams corpus and stats and resumes; crash replay and minimisation with modharness repro; and,
// when a KCOV fuzz kernel is cached, loader coverage from KCOV.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "conformance/report/kcidb.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/common/text.h"
#include "harness/elf/reader.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/seed_modules.h"
#include "tests/vm/cli_support.h"
#include "tests/vm/vm_test_support.h"
#include "harness/common/test_skip.h"

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::vmtest;
using nlohmann::json;

namespace {

// An encoded fuzz input: init_module of the named seed module, built for `kernel`.
fs::path seed_input(const std::string& kernel, const std::string& seed, const fs::path& dir) {
    auto k = kernels::resolve_kernel(kernel, false);
    EXPECT_TRUE(k.ok());
    auto set = kernels::build_seed_modules(*k, {seed}, false);
    EXPECT_TRUE(set.ok());
    const std::string ko = read_text(set->modules.at(seed));
    mutate::FuzzInput in;
    in.image.assign(ko.begin(), ko.end());
    const auto bytes = mutate::encode(in);
    const fs::path p = dir / (seed + ".input");
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
}

}  // namespace

TEST(FuzzVm, BlackBoxCampaignOnAStockKernelStreamsAndResumes) {
    auto dir = fresh_dir("fuzz-blackbox");
    const auto out = dir / "out";
    std::vector<std::string> cmd = {modharness(), "fuzz",  "--kernel",   kTestKernels[0], "--duration", "40s",    "--seeds",
                                    "ok,params",  "--out", out.string(), "--rng-seed",    "7",          "--quiet"};
    const int first = wait_exit(spawn(cmd, dir / "log1"));
    EXPECT_TRUE(first == 0 || first == 1) << read_text(dir / "log1");
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU outlived the campaign";
    const json s1 = read_json(out / "summary.json");
    EXPECT_EQ(s1.value("feedback", ""), "blackbox") << "no KCOV on a Debian kernel: errno + log class feedback";
    EXPECT_GT(s1.value("execs", 0), 50);
    EXPECT_GT(s1.value("corpus", 0), 0) << "new inputs are synced back to the host";
    size_t files = 0;
    for ([[maybe_unused]] auto& e : fs::directory_iterator(out / "corpus")) ++files;
    EXPECT_EQ(files, s1.value("corpus", size_t{0}));
    EXPECT_FALSE(read_text(out / "coverage.jsonl").empty());
    // Every crash event has a group with a title; the group keeps the input when one was sent.
    const std::string index = read_text(out / "crashes" / "index.jsonl");
    for (auto [line, number] : lines(index)) {
        const json e = json::parse(line);
        EXPECT_TRUE(fs::exists(out / "crashes" / e.value("group", "?") / "title.txt")) << line;
        if (e.value("has_input", false)) {
            EXPECT_TRUE(fs::exists(out / "crashes" / e.value("group", "?") / "input.bin")) << line;
        }
    }

    // The same command again continues: cumulative time, execs and VMs grow; the corpus is reused.
    cmd[5] = "20s";
    cmd.pop_back();  // progress lines on: the resume is announced
    const int second = wait_exit(spawn(cmd, dir / "log2"));
    EXPECT_TRUE(second == 0 || second == 1) << read_text(dir / "log2");
    EXPECT_NE(read_text(dir / "log2").find("resuming"), std::string::npos);
    const json s2 = read_json(out / "summary.json");
    EXPECT_GT(s2.value("elapsed_s", 0.0), s1.value("elapsed_s", 0.0) + 15);
    EXPECT_GT(s2.value("execs", 0), s1.value("execs", 0));
    EXPECT_GT(s2.value("vms", 0), s1.value("vms", 0));
    EXPECT_GE(s2.value("corpus", 0), s1.value("corpus", 0));

    // Another engine into the same directory is refused, naming the problem.
    std::vector<std::string> other = cmd;
    other.insert(other.begin() + 2, {"--engine", "random"});
    // A usage error (exit 2): the options conflict with --out's campaign; the machine lacks nothing.
    EXPECT_EQ(wait_exit(spawn(other, dir / "log3")), 2);
    EXPECT_NE(read_text(dir / "log3").find("use another --out"), std::string::npos);
}

// Sync: the two VMs of a campaign get each other's finds while they run (relayed into the running
// restored VMs and written for the engine by the guest), and campaigns sharing a --sync-dir import
// each other's finds (AFL++'s distributed layout): A exports, B imports all of A's, A resumed
// imports B's.
TEST(FuzzVm, CampaignVmsAndCampaignsShareFindsThroughTheSyncDir) {
    auto dir = fresh_dir("fuzz-sync");
    const fs::path a = dir / "a", b = dir / "b", shared = dir / "sync";
    auto campaign = [&](const fs::path& out, const std::string& instance, const char* jobs, const char* duration, const char* seeds,
                        const std::string& log) {
        const int rc =
            wait_exit(spawn({modharness(), "fuzz", "--kernel", kTestKernels[0], "--duration", duration, "--jobs", jobs, "--seeds", seeds,
                             "--out", out.string(), "--rng-seed", "11", "--sync-dir", shared.string(), "--instance", instance},
                            dir / log));
        EXPECT_TRUE(rc == 0 || rc == 1) << read_text(dir / log);
        return read_json(out / "summary.json");
    };
    auto corpus = [](const fs::path& out) {
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(out / "corpus")) names.insert(e.path().filename().string());
        return names;
    };
    const json s1 = campaign(a, "a", "2", "40s", "ok,params", "log-a1");
    const json& y1 = s1.at("sync");
    EXPECT_GT(y1.value("relayed_to_vms", 0), 0) << "each VM's finds went into the other, running one: " << s1.dump();
    EXPECT_GT(y1.value("imported_by_vms", 0), 0) << "and its guest wrote them for libFuzzer: " << s1.dump();
    EXPECT_LE(y1.value("imported_by_vms", 0), y1.value("relayed_to_vms", 0));
    EXPECT_EQ(y1.value("exported", 0), s1.value("corpus", -1)) << "every find of a fresh campaign goes to the sync dir";
    EXPECT_EQ(y1.value("instance", ""), "a");
    size_t queued = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(shared / "a" / "queue")) ++queued;
    EXPECT_EQ(queued, s1.value("corpus", size_t{0}));

    // B starts from other seeds: calls A never made (an importing module without its provider:
    // ENOENT and "Unknown symbol"), so B has finds of its own.
    const json s2 = campaign(b, "b", "1", "30s", "consumer,sentinel", "log-b");
    EXPECT_EQ(s2["sync"].value("imported_from_instances", 0), y1.value("exported", -1)) << read_text(dir / "log-b");
    const auto corpus_a = corpus(a), corpus_b = corpus(b);
    for (const auto& n : corpus_a) EXPECT_TRUE(corpus_b.count(n)) << "B has A's find " << n;

    // A again: it imports what B found that A does not have.
    EXPECT_GT(s2["sync"].value("exported", 0), 0) << read_text(dir / "log-b");
    size_t b_new = 0;
    for (const auto& e : fs::directory_iterator(shared / "b" / "queue")) {
        const std::string name = e.path().filename().string();
        if (!corpus_a.count(name.substr(name.find(",orig:") + 6))) ++b_new;
    }
    EXPECT_GT(b_new, 0u);
    const json s3 = campaign(a, "a", "1", "20s", "ok,params", "log-a2");
    EXPECT_EQ(s3["sync"].value("imported_from_instances", size_t{0}), b_new) << read_text(dir / "log-a2");
    const auto corpus_a2 = corpus(a);
    for (const auto& n : corpus(b)) EXPECT_TRUE(corpus_a2.count(n)) << "A has B's corpus entry " << n;
}

TEST(FuzzVm, TheEnvironmentModuleLetsTheImportingSeedLoad) {
    // mh_consumer imports mh_provider's symbols: without the environment every input is ENOENT
    // ("Unknown symbol"), so a single load proves the fuzzing VM loaded and kept mh_provider.
    auto dir = fresh_dir("fuzz-environment");
    const auto out = dir / "out";
    const int rc = wait_exit(spawn({modharness(), "fuzz", "--kernel", kTestKernels[0], "--duration", "20s", "--seeds", "consumer", "--out",
                                    out.string(), "--rng-seed", "3", "--quiet"},
                                   dir / "log"));
    EXPECT_TRUE(rc == 0 || rc == 1) << read_text(dir / "log");
    const json s = read_json(out / "summary.json");
    EXPECT_GE(s.value("loaded", 0), 1) << s.dump();
    EXPECT_TRUE(fs::exists(out / "seeds" / "consumer-init-race-nap")) << "the encoded seeds are kept, actions included";
}

TEST(FuzzVm, ASeedModuleThatCrashesTheKernelCrashesOnlyTheFirstVm) {
    // mh_oops oopses in its init: kept as a starting input, it would crash every VM as it starts.
    auto dir = fresh_dir("fuzz-crashing-seed");
    const auto out = dir / "out";
    const int rc = wait_exit(spawn({modharness(), "fuzz", "--kernel", kTestKernels[0], "--duration", "45s", "--seeds", "ok,oops", "--out",
                                    out.string(), "--rng-seed", "5", "--kcidb", (dir / "kcidb.json").string()},
                                   dir / "log"));
    const std::string log = read_text(dir / "log");
    EXPECT_EQ(rc, 1) << "a new crash title: " << log;
    EXPECT_NE(log.find("crashes the kernel unmodified"), std::string::npos) << log;
    int oops_events = 0;
    const std::string index = read_text(out / "crashes" / "index.jsonl");
    for (auto [line, number] : lines(index))
        if (json::parse(line).value("group", "").find("mh-oops-init") != std::string::npos) ++oops_events;
    EXPECT_EQ(oops_events, 1) << log;
    const json s = read_json(out / "summary.json");
    EXPECT_GE(s.value("vms", 0), 2) << "the campaign went on in a fresh VM: " << log;
    EXPECT_GT(s.value("loaded", 0), 0) << "the ok seed still ran";
    // KCIDB: one failed test for the campaign, the crash title as an issue with an incident on it.
    const json k = read_json(dir / "kcidb.json");
    const auto problems = conformance::kcidb_problems(k);
    EXPECT_TRUE(problems.empty()) << problems.front();
    ASSERT_EQ(k["tests"].size(), 1u) << k.dump();
    EXPECT_EQ(k["tests"][0].value("status", ""), "FAIL");
    ASSERT_EQ(k["issues"].size(), s["crash_titles"].size());
    EXPECT_EQ(k["issues"][0].value("report_subject", ""), s["crash_titles"][0]);
    EXPECT_EQ(k["incidents"].size(), s["crash_titles"].size());
}

TEST(FuzzVm, ReproReplaysAKernelCrashAndWritesAReproducer) {
    auto dir = fresh_dir("fuzz-repro");
    const fs::path oops = seed_input(kTestKernels[0], "oops", dir);
    const int rc =
        wait_exit(spawn({modharness(), "repro", "--kernel", kTestKernels[0], "--snapshot-cache", "off", oops.string()}, dir / "log1"));
    const std::string log = read_text(dir / "log1");
    EXPECT_EQ(rc, 0) << log;
    EXPECT_NE(log.find("REPRODUCED"), std::string::npos) << log;
    // Every replay VM was restored from the one snapshot of the ready guest (the crash killed
    // each restored VM; the next was restored from the intact snapshot again).
    EXPECT_NE(log.find("snapshot of the ready fuzz guest taken"), std::string::npos) << log;
    EXPECT_NE(log.find("restored from a snapshot of the ready guest, 0 booted"), std::string::npos) << log;
    EXPECT_NE(log.find("mh_oops_init"), std::string::npos) << "titled by the console parser: " << log;
    ASSERT_TRUE(fs::exists(dir / "oops.input.repro.c"));
    EXPECT_EQ(std::system(("cc -fsyntax-only " + (dir / "oops.input.repro.c").string()).c_str()), 0) << "the C reproducer compiles";

    const fs::path ok = seed_input(kTestKernels[0], "ok", dir);
    EXPECT_EQ(wait_exit(spawn({modharness(), "repro", "--kernel", kTestKernels[0], "--reset", "boot", "--no-minimize", ok.string()},
                              dir / "log2")),
              1)
        << "a module that loads does not reproduce anything: " << read_text(dir / "log2");
    EXPECT_NE(read_text(dir / "log2").find("did not reproduce"), std::string::npos);
    EXPECT_NE(read_text(dir / "log2").find("replay VMs: 1 in "), std::string::npos) << read_text(dir / "log2");
    EXPECT_NE(read_text(dir / "log2").find("0 restored from a snapshot of the ready guest, 1 booted"), std::string::npos)
        << "--reset boot boots: " << read_text(dir / "log2");
}

// fuzz merge on a stock kernel (black-box features): a plain input directory and a campaign
// directory merged; the repeated input is dropped before the VM, the input that oopses the kernel
// is set aside and the merge runs again without it; what is kept are inputs given (libFuzzer names
// them by content); the crash groups of both are joined by title (untriaged).
TEST(FuzzVm, MergeMinimisesCorporaSetsAsideAKernelCrashAndJoinsCrashes) {
    auto dir = fresh_dir("fuzz-merge");
    const fs::path plain = dir / "plain", campaign = dir / "campaign", out = dir / "merged";
    fs::create_directories(plain);
    fs::create_directories(campaign / "corpus");
    std::set<std::string> given;
    for (const char* seed : {"ok", "params", "oops"}) {
        const fs::path p = seed_input(kTestKernels[0], seed, dir);
        fs::copy_file(p, plain / seed);
        given.insert(read_text(p));
    }
    // A truncated image: ENOEXEC, a feature the loaded seeds do not have.
    const std::string ok = read_text(plain / "ok");
    mutate::FuzzInput in = mutate::decode(mutate::Bytes(ok.begin(), ok.end()));
    in.image.resize(200);
    const auto trunc = mutate::encode(in);
    const std::string cut(trunc.begin(), trunc.end());
    given.insert(cut);
    std::ofstream(campaign / "corpus" / "truncated", std::ios::binary) << cut;
    std::ofstream(campaign / "corpus" / "ok-again", std::ios::binary) << ok;  // the same bytes as plain/ok
    fs::create_directories(campaign / "crashes" / "warning-x");
    std::ofstream(campaign / "crashes" / "warning-x" / "title.txt") << "WARNING in apply_retpolines\n";

    const int rc = wait_exit(spawn({modharness(), "fuzz", "merge", out.string(), plain.string(), campaign.string(), "--kernel",
                                    kTestKernels[0], "--snapshot-cache", "off"},
                                   dir / "log"));
    const std::string log = read_text(dir / "log");
    ASSERT_EQ(rc, 0) << log;
    const json m = read_json(out / "merge.json");
    EXPECT_EQ(m["inputs"].value("files", 0), 5) << m.dump();
    EXPECT_EQ(m["inputs"].value("duplicates", 0), 1);
    EXPECT_EQ(m.value("feedback", ""), "blackbox");
    ASSERT_EQ(m["excluded"].size(), 1u) << log;
    EXPECT_EQ(m["excluded"][0].value("name", ""), "oops");
    EXPECT_NE(m["excluded"][0].value("title", "").find("mh_oops_init"), std::string::npos) << m.dump();
    EXPECT_NE(m.value("libfuzzer", "").find("MERGE-OUTER:"), std::string::npos);
    // The ENOEXEC input and a loading one differ in features: at least two of the three are kept.
    size_t kept = 0;
    for (const auto& e : fs::directory_iterator(out / "corpus")) {
        ++kept;
        EXPECT_TRUE(given.count(read_text(e.path()))) << "a kept input is one of the inputs: " << e.path();
    }
    EXPECT_EQ(kept, m["merged"].value("files", size_t{0}));
    EXPECT_GE(kept, 2u) << log;
    EXPECT_LE(kept, 3u) << log;
    EXPECT_EQ(m.value("vms", 0), 3) << "a merge VM that crashed, the merge again, the VM measuring the kept inputs: " << log;
    EXPECT_EQ(m.value("vms_restored", 0), 3) << log;
    const json c = read_json(out / "crashes.json");
    ASSERT_EQ(c["crashes"].size(), 1u) << c.dump();
    EXPECT_EQ(c["crashes"][0].value("id", ""), "untriaged WARNING in apply_retpolines");

    // OUT is not overwritten.
    EXPECT_EQ(wait_exit(spawn({modharness(), "fuzz", "merge", out.string(), plain.string(), "--kernel", kTestKernels[0]}, dir / "log2")),
              2);
    EXPECT_NE(read_text(dir / "log2").find("not an empty directory"), std::string::npos) << read_text(dir / "log2");
}

// The replay snapshot in the snapshot cache: the first repro takes and keeps it, the next (another
// input, same kernel) boots no VM and still reproduces the crash; a damaged entry makes the VM boot
// cold with the same verdict, and the entry is removed.
TEST(FuzzVm, ReproRestoresFromTheSnapshotCacheAndADamagedEntryBootsCold) {
    auto dir = fresh_dir("fuzz-repro-cache");
    const fs::path cache = dir / "cache";
    const fs::path ok = seed_input(kTestKernels[0], "ok", dir);
    const fs::path oops = seed_input(kTestKernels[0], "oops", dir);
    auto repro = [&](const fs::path& input, const std::string& log) {
        return wait_exit(
            spawn({modharness(), "repro", "--kernel", kTestKernels[0], "--no-minimize", "--snapshot-cache", cache.string(), input.string()},
                  dir / log));
    };
    ASSERT_EQ(repro(ok, "log1"), 1) << read_text(dir / "log1");
    const std::string log1 = read_text(dir / "log1");
    EXPECT_NE(log1.find("snapshot of the ready fuzz guest taken"), std::string::npos) << log1;
    EXPECT_NE(log1.find("snapshot kept for later runs in " + cache.string()), std::string::npos) << log1;
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(cache))
        if (e.is_directory()) entries.push_back(e.path());
    ASSERT_EQ(entries.size(), 1u) << log1;

    EXPECT_EQ(repro(oops, "log2"), 0) << read_text(dir / "log2");
    const std::string log2 = read_text(dir / "log2");
    EXPECT_NE(log2.find("REPRODUCED: BUG: kernel NULL pointer dereference in mh_oops_init"), std::string::npos) << log2;
    EXPECT_NE(log2.find("found in the cache"), std::string::npos) << log2;
    EXPECT_EQ(log2.find("snapshot of the ready fuzz guest taken"), std::string::npos) << "a cached snapshot is not taken again: " << log2;
    EXPECT_NE(log2.find("1 restored from a snapshot of the ready guest, 0 booted"), std::string::npos) << log2;

    std::ofstream(entries[0] / "state", std::ios::binary | std::ios::trunc) << "not a migration stream";
    EXPECT_EQ(repro(oops, "log3"), 0) << read_text(dir / "log3");
    const std::string log3 = read_text(dir / "log3");
    EXPECT_NE(log3.find("restore failed"), std::string::npos) << log3;
    EXPECT_NE(log3.find("REPRODUCED: BUG: kernel NULL pointer dereference in mh_oops_init"), std::string::npos) << log3;
    EXPECT_NE(log3.find("0 restored from a snapshot of the ready guest, 1 booted"), std::string::npos) << log3;
    EXPECT_FALSE(fs::exists(entries[0])) << "the damaged entry is removed";
}

// Structural minimisation on a real kernel: the consumer seed (stripped as the campaign strips it)
// with one symbol made undefined under a name offset far outside the string table (6.1 looks the
// name up with strcmp and faults) and three changes the loader ignores (an e_ident padding byte,
// e_flags, .comment contents). repro must keep exactly the two symbol fields.
TEST(FuzzVm, ReproMinimisesStructurallyToTheFieldsTheCrashNeeds) {
    auto dir = fresh_dir("fuzz-repro-structural");
    auto k = kernels::resolve_kernel(kTestKernels[0], false);
    ASSERT_TRUE(k.ok()) << k.error().message;
    auto seeds = campaign::build_seed_inputs(*k, {"consumer"}, dir / "seeds");
    ASSERT_TRUE(seeds.ok()) << seeds.error().message;
    mutate::Bytes image;
    for (auto& s : campaign::seed_images(*seeds))
        if (s.name == "consumer") image = std::move(s.image);
    ASSERT_FALSE(image.empty());
    auto view = elf::ElfView::parse(image);
    ASSERT_TRUE(view.ok()) << view.error().message;
    auto syms = view->symbols();
    ASSERT_TRUE(syms.ok());
    size_t victim = 0;
    for (size_t i = 1; i < syms->size() && !victim; ++i)
        if ((*syms)[i].raw.shndx != elf::kShnUndef && (*syms)[i].raw.shndx < elf::kShnLoreserve &&
            ((*syms)[i].raw.info & 0xf) == elf::kSttObject)
            victim = i;
    ASSERT_NE(victim, 0u) << "no defined object symbol in the consumer seed";
    mutate::FuzzInput in;
    in.image = image;
    auto put = [&](size_t at, uint64_t v, size_t width) {
        for (size_t i = 0; i < width; ++i) in.image[at + i] = static_cast<uint8_t>(v >> (8 * i));
    };
    const size_t sym = view->section(*view->symtab_index()).offset + victim * elf::kSymSize;
    put(sym + elf::sym_off::name, 0x656c736d, 4);
    put(sym + elf::sym_off::shndx, elf::kShnUndef, 2);
    put(elf::kEiPad + 1, 0x55, 1);
    put(elf::ehdr_off::flags, 0x1, 4);
    size_t decoys = 2;
    if (auto comment = view->find_section(".comment"); comment && view->section(*comment).size >= 4) {
        put(view->section(*comment).offset + 1, 0x4242, 2);
        ++decoys;
    }
    const auto bytes = mutate::encode(in);
    const fs::path input = dir / "structural.input";
    std::ofstream(input, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));

    const int rc =
        wait_exit(spawn({modharness(), "repro", "--kernel", kTestKernels[0], "--snapshot-cache", "off", input.string()}, dir / "log"));
    const std::string log = read_text(dir / "log");
    ASSERT_EQ(rc, 0) << log;
    EXPECT_NE(log.find("the crash needs 2 of " + std::to_string(decoys + 2) + " differences from seed 'consumer'"), std::string::npos)
        << log;
    const std::string symbol = "symbol " + std::to_string(victim);
    EXPECT_NE(log.find(symbol), std::string::npos) << log;
    EXPECT_NE(log.find("st_name: "), std::string::npos) << log;
    EXPECT_NE(log.find("st_shndx: "), std::string::npos) << log;
    EXPECT_EQ(log.find("e_flags"), std::string::npos) << "a difference the crash does not need was kept: " << log;
    EXPECT_EQ(log.find("`.comment`"), std::string::npos) << log;
    // The minimised input is the seed plus those two fields: it still crashes (the minimiser checked
    // it in a VM), and it differs from the seed in at most 6 bytes (st_name 4, st_shndx 2).
    const std::string minimised = read_text(dir / "structural.input.minimized.bin");
    const auto out = mutate::decode(std::span(reinterpret_cast<const uint8_t*>(minimised.data()), minimised.size()));
    ASSERT_EQ(out.image.size(), image.size());
    size_t differing = 0;
    for (size_t i = 0; i < image.size(); ++i) differing += out.image[i] != image[i];
    EXPECT_LE(differing, 6u);
    EXPECT_GE(differing, 3u);
}

TEST(FuzzVm, KcovCampaignCoversTheLoader) {
    auto k = kernels::resolve_kernel("fuzz-6.12", false);
    if (!k || k->build_tree.empty()) MH_SKIP_WITHOUT_FUZZ_KERNEL("no fuzz kernel cached (modharness kernel build-fuzz)");
    auto dir = fresh_dir("fuzz-kcov");
    const auto out = dir / "out";
    const int rc = wait_exit(
        spawn({modharness(), "fuzz", "--kernel", "fuzz-6.12", "--duration", "60s", "--out", out.string(), "--quiet"}, dir / "log"));
    EXPECT_TRUE(rc == 0 || rc == 1) << read_text(dir / "log");
    const json s = read_json(out / "summary.json");
    EXPECT_EQ(s.value("feedback", ""), "kcov");
    EXPECT_GT(s.value("loader_sites_total", 0), 1000);
    EXPECT_GT(s.value("loader_share", 0.0), 0.6) << "a minute of structure-aware fuzzing reaches most of the loader";
    // Every VM was restored from the snapshot of the ready guest (the default reset), its corpus
    // read from fw_cfg (the fuzz kernel allows ioperm for it).
    EXPECT_EQ(s.value("vms_restored", -1), s.value("vms", -2)) << read_text(dir / "log");
    // The guest time of the execs, split by phase: the call and the unload of loaded modules take some.
    EXPECT_GT(s.value("exec_split_execs", 0), 0);
    ASSERT_TRUE(s.contains("exec_split_s"));
    EXPECT_GT(s["exec_split_s"].value("call", 0.0), 0.0);
    EXPECT_GT(s["exec_split_s"].value("unload", 0.0), 0.0);
    EXPECT_NE(read_text(dir / "log").find("guest time per exec"), std::string::npos);
    // Code only the environment and the actions reach: a module that depends on another
    // (ref_module), the wait for a provider still COMING (resolve_symbol_wait), the module API
    // called by mh_consumer's init (symbol_get, a fault fixed up by its own exception table).
    const fs::path cover = dir / "cover.json";
    ASSERT_EQ(wait_exit(spawn({modharness(), "cover", "--kernel", "fuzz-6.12", (out / "pcs.txt").string(), "--json", cover.string()},
                              dir / "cover.log")),
              0)
        << read_text(dir / "cover.log");
    const json report = read_json(cover);
    std::map<std::string, int> reached;
    for (const auto& site : report.at("site_list"))
        if (site.value("reached", false)) ++reached[site.value("function", "")];
    for (const char* fn : {"ref_module", "resolve_symbol_wait", "__symbol_get", "search_module_extables"}) EXPECT_GT(reached[fn], 0) << fn;
}
