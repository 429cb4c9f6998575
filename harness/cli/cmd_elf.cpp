// `modharness inspect | gen | malformations | check-package`: the ELF module model on the command line.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/number_option.h"
#include "harness/common/files.h"
#include "harness/elf/compression.h"
#include "harness/elf/malform/malformation.h"
#include "harness/elf/module_check.h"
#include "harness/elf/profile.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/spec.h"
#include "harness/elf/synth.h"

extern char** environ;

namespace mh::cli {
namespace {

namespace fs = std::filesystem;
using namespace mh::elf;

// A usage error of `cmd`, reported with the pointer to its help.
int report_usage(const char* cmd, const std::string& msg) { return report_error(cmd, mh::usage_error(msg + " (see --help)")); }

// ---------------------------------------------------------------- inspect

std::vector<OptionSpec> inspect_options() {
    return {
        {"symbols", "", "list every symbol (index, value, size, bind/type, shndx, name)"},
        {"relocs", "", "list every relocation (offset, type, symbol, addend)"},
        {"profile", "", "also print the kernel profile extracted from this module (for gen --profile)"},
        {"lenient", "", "read files whose e_machine/e_type are not EM_X86_64/ET_REL"},
        {"help", "", ""},
    };
}

void print_inspect_help(const std::vector<OptionSpec>& specs) {
    std::fputs(
        "usage: modharness inspect FILE [--symbols] [--relocs] [--profile] [--lenient]\n"
        "\n"
        "Prints what the checked ELF reader sees in a kernel module: compression (xz/gzip/zstd are\n"
        "decompressed first), the signature trailer and what the kernel's signature precheck would say,\n"
        "the ELF header, every section header, the module name from .gnu.linkonce.this_module, .modinfo,\n"
        "__versions, and counts of symbols and relocations. Everything malformed is reported as an error\n"
        "line naming the object, field, value and limit; the reader never trusts the file.\n"
        "\n",
        stdout);
    print_option_help(stdout, specs, 14);
    std::fputs("\nexit codes: 0 no reader errors, 1 the reader reported errors, 2 usage or unreadable file\n", stdout);
}

int cmd_inspect_impl(const Args& args) {
    const auto specs = inspect_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_usage("inspect", parsed.error().message);
    if (parsed->has("help")) {
        print_inspect_help(specs);
        return kExitOk;
    }
    if (parsed->positionals.size() != 1) return report_usage("inspect", "expected exactly one FILE");
    const std::string path = parsed->positionals[0];
    auto raw = read_file_bytes(path);
    if (!raw) return report_usage("inspect", raw.error().message);
    std::vector<std::string> errors;
    auto note = [&](const std::string& e) {
        errors.push_back(e);
        std::printf("  ERROR: %s\n", e.c_str());
    };

    Bytes bytes = *raw;
    Compression comp = detect_compression(bytes);
    std::printf("file: %s (%zu bytes", path.c_str(), raw->size());
    if (comp != Compression::none) {
        auto plain = decompress(*raw);
        if (!plain) {
            std::printf(", %s-compressed)\n", std::string(compression_name(comp)).c_str());
            note(plain.error().message);
            return kExitFindings;
        }
        bytes = std::move(plain).value();
        std::printf(", %s-compressed -> %zu bytes", std::string(compression_name(comp)).c_str(), bytes.size());
    }
    std::printf(")\n");

    if (auto sig = find_signature(bytes)) {
        std::printf("signature trailer: marker at %" PRIu64, sig->marker_offset);
        if (sig->has_info)
            std::printf(", algo %u hash %u id_type %u signer_len %u key_id_len %u sig_len %u", sig->info.algo, sig->info.hash,
                        sig->info.id_type, sig->info.signer_len, sig->info.key_id_len, sig->info.sig_len);
        if (sig->sig_len_ok) std::printf(", payload %" PRIu64 " bytes", sig->payload_size);
        std::string e = sig->precheck_errno();
        std::printf("; kernel precheck: %s\n", e.empty() ? "passes (PKCS#7 verification decides)" : e.c_str());
    } else {
        std::printf("signature trailer: none\n");
    }
    std::span<const uint8_t> img = strip_signature(bytes);

    auto view = ElfView::parse(img, ReadOptions{.require_x86_64_rel = !parsed->has("lenient")});
    if (!view) {
        note(view.error().message);
        return kExitFindings;
    }
    const Ehdr& h = view->header();
    std::printf("ELF header: type %s machine %u version %u entry 0x%" PRIx64 " flags 0x%x ehsize %u\n", elf_type_name(h.type).c_str(),
                h.machine, h.version, h.entry, h.flags, h.ehsize);
    std::printf("            e_ident class %u data %u version %u osabi %u abiversion %u; phoff %" PRIu64 " phnum %u phentsize %u\n",
                h.ident[kEiClass], h.ident[kEiData], h.ident[kEiVersion], h.ident[kEiOsabi], h.ident[kEiAbiVersion], h.phoff, h.phnum,
                h.phentsize);
    std::printf("            shoff %" PRIu64 " shnum %u shentsize %u shstrndx %u\n", h.shoff, h.shnum, h.shentsize, h.shstrndx);
    std::printf("sections:\n  [Nr] %-34s %-9s %-5s %10s %10s %4s %4s %6s %3s\n", "name", "type", "flags", "offset", "size", "link", "info",
                "align", "es");
    for (size_t i = 0; i < view->section_count(); ++i) {
        const Shdr& s = view->section(i);
        auto n = view->section_name(i);
        std::string name = n ? std::string(*n) : "?";
        std::printf("  [%2zu] %-34s %-9s %-5s %10" PRIu64 " %10" PRIu64 " %4u %4u %6" PRIu64 " %3" PRIu64 "\n", i, name.c_str(),
                    section_type_name(s.type).c_str(), section_flags_string(s.flags).c_str(), s.offset, s.size, s.link, s.info, s.addralign,
                    s.entsize);
        if (i > 0 && !n) note(n.error().message);
        if (auto d = view->section_data(i); !d) note(d.error().message);
        if ((s.flags & kShfWrite) && (s.flags & kShfExecinstr)) note("section " + std::to_string(i) + " is writable and executable (W+X)");
    }
    if (auto tm = read_this_module(*view)) {
        std::printf("module: name '%s'%s, struct module %" PRIu64 " bytes (section %zu)\n", tm->name.c_str(),
                    tm->name_terminated ? "" : " (NOT NUL-terminated)", tm->size, tm->section);
        if (view->find_sections(".gnu.linkonce.this_module").size() > 1) note("more than one .gnu.linkonce.this_module section");
    } else {
        note(tm.error().message);
    }
    if (auto mi = read_modinfo(*view)) {
        std::printf(".modinfo: %zu entries\n", mi->size());
        for (const auto& e : *mi) {
            std::string value(e.value);
            if (value.size() > 100) value = value.substr(0, 100) + "...";
            std::printf("  %.*s%s%s%s\n", static_cast<int>(e.key.size()), e.key.data(), e.has_equals ? "=" : "", value.c_str(),
                        e.terminated ? "" : "   (NOT NUL-terminated)");
        }
    } else {
        note(mi.error().message);
    }
    if (auto vs = read_versions(*view)) {
        std::printf("__versions: %zu entries%s\n", vs->entries.size(),
                    vs->trailing_bytes ? (" + " + std::to_string(vs->trailing_bytes) + " trailing bytes").c_str() : "");
        for (const auto& e : vs->entries)
            std::printf("  0x%08" PRIx64 " %s%s\n", e.crc, e.name.c_str(), e.terminated ? "" : "   (NOT NUL-terminated)");
    } else {
        std::printf("__versions: none (%s)\n", vs.error().message.c_str());
    }
    auto syms = view->symbols();
    if (syms) {
        size_t undef = 0, bad = 0;
        for (const auto& s : *syms) {
            undef += s.raw.shndx == kShnUndef && !s.name.empty();
            if (!s.name_error.empty()) {
                ++bad;
                note(s.name_error);
            }
        }
        std::printf("symbols: %zu (%zu undefined imports, %zu with bad names)\n", syms->size(), undef, bad);
        if (parsed->has("symbols"))
            for (size_t i = 0; i < syms->size(); ++i) {
                const auto& s = (*syms)[i];
                std::printf("  %4zu %016" PRIx64 " %6" PRIu64 " bind %u type %u shndx %5u %.*s\n", i, s.raw.value, s.raw.size, s.raw.bind(),
                            s.raw.type(), s.raw.shndx, static_cast<int>(s.name.size()), s.name.data());
            }
    } else {
        note(syms.error().message);
    }
    size_t nrel = 0;
    for (size_t r : view->sections_of_type(kShtRela)) {
        auto rel = view->relocations(r);
        if (!rel) {
            note(rel.error().message);
            continue;
        }
        nrel += rel->size();
        if (parsed->has("relocs")) {
            auto n = view->section_name(r);
            std::printf("  relocations in [%zu] %s -> section %u:\n", r, n ? std::string(*n).c_str() : "?", view->section(r).info);
            for (const auto& x : *rel) {
                std::string sym = syms && x.sym() < syms->size() ? std::string((*syms)[x.sym()].name)
                                                                 : "<sym " + std::to_string(x.sym()) + " out of range>";
                std::printf("    %08" PRIx64 " %-16s %s %+" PRId64 "\n", x.offset, reloc_type_name(x.type()).c_str(), sym.c_str(),
                            x.addend);
            }
        }
    }
    std::printf("relocations: %zu in %zu RELA sections\n", nrel, view->sections_of_type(kShtRela).size());
    if (parsed->has("profile")) {
        auto p = extract_profile(bytes, fs::path(path).filename().string());
        if (p)
            std::printf("profile:\n%s", profile_to_text(*p).c_str());
        else
            note("profile: " + p.error().message);
    }
    std::printf("%zu error(s)\n", errors.size());
    return errors.empty() ? kExitOk : kExitFindings;
}

// ---------------------------------------------------------------- gen

std::vector<OptionSpec> gen_options() {
    return {
        {"profile", "P",
         "synthesise a module for the kernel described by profile file P\n"
         "(corpus/profiles/*.profile)"},
        {"init-ret", "N",
         "what the synthesised init returns (default 0; use -131, -ENOTRECOVERABLE,\n"
         "as the 'every loader check passed' sentinel)"},
        {"seed", "MODULE", "start from an existing .ko (.ko.xz/.gz/.zst are decompressed)"},
        {"name", "NAME", "module name for a synthesised module (default mh_synth)"},
        {"epilogue", "E",
         "how synthesised functions return: ret = plain ret (default, 'auto'; loads on\n"
         "Debian 6.1 and 6.12), thunk = jmp __x86_return_thunk listed in .return_sites\n"
         "like every Debian module (not yet VM-verified)"},
        {"no-imports", "",
         "do not import __x86_return_thunk (by default one unexecuted PC32 reference\n"
         "gives the symbol/CRC/relocation malformations something to act on)"},
        {"malform", "IDS",
         "apply catalogue malformations in order (repeatable or comma-separated);\n"
         "see `modharness malformations`. Structural ones drop a signature trailer.",
         kRepeatable},
        {"seed-value", "S", "seed for the malformations' random choices (default 1): same S, same bytes"},
        {"extract-profile", "MODULE", "write the kernel profile of MODULE's kernel instead"},
        {"output", "OUT", "file to write", false, "o"},
        {"help", "", ""},
    };
}

void print_gen_help(const std::vector<OptionSpec>& specs) {
    std::fputs(
        "usage: modharness gen (--profile PROFILE | --seed MODULE) [--init-ret N] [--name NAME]\n"
        "                      [--epilogue auto|thunk|ret] [--no-imports] [--malform ID[,ID...]]\n"
        "                      [--seed-value S] -o OUT\n"
        "       modharness gen --extract-profile MODULE -o PROFILE\n"
        "\n"
        "Writes a kernel module image, without a compiler:\n",
        stdout);
    print_option_help(stdout, specs, 19);
    std::fputs(
        "\n"
        "Compression rows (wrap-xz, ...) produce a stream for finit_module(MODULE_INIT_COMPRESSED_FILE).\n"
        "exit codes: 0 written, 2 usage / unreadable input / malformation does not apply, 4 OUT could not be written\n",
        stdout);
}

int write_out(const std::string& path, const Bytes& b) {
    if (auto w = write_file_atomic(path, std::string(b.begin(), b.end())); !w) return report_error("gen", w.error());
    return kExitOk;
}

int cmd_gen_impl(const Args& args) {
    const auto specs = gen_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_usage("gen", parsed.error().message);
    if (parsed->has("help")) {
        print_gen_help(specs);
        return kExitOk;
    }
    auto out = parsed->get("output");  // -o lands here too (the row's alias)
    if (!out) return report_usage("gen", "-o OUT is required");
    if (auto src = parsed->get("extract-profile")) {
        auto bytes = read_file_bytes(*src);
        if (!bytes) return report_usage("gen", bytes.error().message);
        auto p = extract_profile(*bytes, fs::path(*src).filename().string());
        if (!p) return report_usage("gen", *src + ": " + p.error().message);
        std::string text = profile_to_text(*p);
        return write_out(*out, bytes_of(text));
    }
    if (parsed->has("profile") == parsed->has("seed")) return report_usage("gen", "give exactly one of --profile or --seed");
    Bytes image;
    if (auto pf = parsed->get("profile")) {
        auto prof = load_profile(*pf);
        if (!prof) return report_usage("gen", prof.error().message);
        SynthOptions o;
        auto init_ret = number_option<int32_t>(*parsed, "init-ret", o.init_ret, INT32_MIN, INT32_MAX);
        if (!init_ret) return report_error("gen", init_ret.error());
        o.init_ret = *init_ret;
        o.name = parsed->get_or("name", o.name);
        o.imports = !parsed->has("no-imports");
        std::string ep = parsed->get_or("epilogue", "auto");
        if (ep == "thunk")
            o.epilogue = Epilogue::thunk;
        else if (ep == "ret")
            o.epilogue = Epilogue::ret;
        else if (ep != "auto")
            return report_usage("gen", "--epilogue must be auto, thunk or ret");
        auto spec = synthesize(*prof, o);
        if (!spec) return report_usage("gen", spec.error().message);
        image = emit(*spec);
    } else {
        if (parsed->has("init-ret") || parsed->has("name") || parsed->has("epilogue") || parsed->has("no-imports"))
            return report_usage("gen", "--init-ret/--name/--epilogue/--no-imports only apply with --profile");
        auto bytes = load_module_file(*parsed->get("seed"));
        if (!bytes) return report_usage("gen", bytes.error().message);
        image = std::move(bytes).value();
    }
    std::vector<std::string> ids;
    for (const auto& m : parsed->all("malform")) {
        size_t start = 0;
        while (start <= m.size()) {
            size_t comma = m.find(',', start);
            std::string id = m.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!id.empty()) ids.push_back(id);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    auto seed = number_option<uint64_t>(*parsed, "seed-value", 1, 0, UINT64_MAX);
    if (!seed) return report_error("gen", seed.error());
    if (!ids.empty()) {
        auto r = apply_malformations(ids, image, *seed);
        if (!r) return report_usage("gen", r.error().message);
        image = std::move(r).value();
    }
    int rc = write_out(*out, image);
    if (rc == kExitOk) std::printf("wrote %s (%zu bytes)\n", out->c_str(), image.size());
    return rc;
}

// ---------------------------------------------------------------- malformations

std::vector<OptionSpec> malformations_options() {
    return {
        {"json", "", "stable machine-readable form ({\"version\":1,\"malformations\":[...]})"},
        {"markdown", "", "the table used in docs/elf-model.md"},
        {"tag", "TAG", "only rows with this tag"},
        {"help", "", ""},
    };
}

int cmd_malformations_impl(const Args& args) {
    const auto specs = malformations_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_usage("malformations", parsed.error().message);
    if (parsed->has("help")) {
        std::fputs(
            "usage: modharness malformations [--json | --markdown] [--tag TAG]\n"
            "\n"
            "Lists the malformation catalogue: one row per named way to break a module image, with the\n"
            "contract.md §3 row it targets (E = ELF header/sections, M = special sections, R = symbols and\n"
            "relocations, S = signature trailer, B = buffer/length, G = compression, F = file; 'fuzz' =\n"
            "generic byte mutators), tags, and whether the output is a compressed stream for\n"
            "finit_module(MODULE_INIT_COMPRESSED_FILE). Use the ids with `modharness gen --malform`.\n"
            "Tags worth knowing: accepted (the kernel ignores the field), record (versions differ: measure),\n"
            "oops-risk (unchecked by the kernel: expect an oops, not an errno), needs-signed.\n"
            "\n",
            stdout);
        print_option_help(stdout, specs, 15);
        return kExitOk;
    }
    if (parsed->has("json")) {
        std::fputs(catalogue_json().c_str(), stdout);
        return kExitOk;
    }
    if (parsed->has("markdown")) {
        std::fputs(catalogue_markdown().c_str(), stdout);
        return kExitOk;
    }
    auto tag = parsed->get("tag");
    size_t n = 0;
    for (const auto& m : malformation_catalogue()) {
        if (tag && !m.has_tag(*tag)) continue;
        ++n;
        std::printf("%-34.*s %-5.*s %s%.*s\n", static_cast<int>(m.id.size()), m.id.data(), static_cast<int>(m.contract_id.size()),
                    m.contract_id.data(), m.compressed() ? "[compressed] " : "", static_cast<int>(m.intent.size()), m.intent.data());
    }
    std::printf("%zu malformations\n", n);
    return kExitOk;
}

// ---------------------------------------------------------------- check-package

bool is_module_file(const fs::path& p) {
    std::string n = p.filename().string();
    for (const char* suf : {".ko", ".ko.xz", ".ko.gz", ".ko.zst"}) {
        std::string s(suf);
        if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0) return true;
    }
    return false;
}

int run_quiet(const std::vector<std::string>& argv) {
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    pid_t pid;
    if (posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ) != 0) return -1;
    int st = 0;
    if (waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::vector<OptionSpec> check_package_options() {
    return {
        {"verbose", "", "print every module checked"},
        {"max-failures", "N", "list at most N failures, 0..1000000 (default 20)"},
        {"help", "", ""},
    };
}

int cmd_check_package_impl(const Args& args) {
    const auto specs = check_package_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_usage("check-package", parsed.error().message);
    if (parsed->has("help")) {
        std::fputs(
            "usage: modharness check-package DEB_OR_DIR [--verbose] [--max-failures N]\n"
            "\n"
            "Checks every kernel module (*.ko, *.ko.xz, *.ko.gz, *.ko.zst) in a Debian kernel package\n"
            "(.deb, unpacked with dpkg-deb into a temporary directory) or under a directory: each must be\n"
            "read by the checked reader without any error (sections, names, symbols, relocations,\n"
            ".modinfo, .gnu.linkonce.this_module) and parse -> spec -> emit must reproduce it byte for\n"
            "byte (signature trailer included). Prints counts per compression and the wall time.\n"
            "\n",
            stdout);
        print_option_help(stdout, specs, 21);
        std::fputs("\nexit codes: 0 all modules ok, 1 some module failed, 2 usage, 3 dpkg-deb failed\n", stdout);
        return kExitOk;
    }
    if (parsed->positionals.size() != 1) return report_usage("check-package", "expected exactly one DEB_OR_DIR");
    fs::path input = parsed->positionals[0];
    auto max_failures = number_option<long>(*parsed, "max-failures", 20, 0, 1000000);
    if (!max_failures) return report_error("check-package", max_failures.error());
    const long max_fail = *max_failures;
    auto t0 = std::chrono::steady_clock::now();
    fs::path root = input, tmp;
    std::error_code ec;
    if (!fs::exists(input, ec)) return report_usage("check-package", input.string() + ": no such file or directory");
    if (!fs::is_directory(input, ec)) {
        std::string templ = (fs::temp_directory_path() / "mh-check-package-XXXXXX").string();
        if (!mkdtemp(templ.data())) return report_error("check-package", environment_error("cannot create a temporary directory"));
        tmp = root = templ;
        if (run_quiet({"dpkg-deb", "-x", input.string(), tmp.string()}) != 0) {
            fs::remove_all(tmp, ec);
            return report_error("check-package", environment_error("dpkg-deb -x " + input.string() + " failed (is it a .deb?)"));
        }
    }
    auto t1 = std::chrono::steady_clock::now();
    std::map<std::string, size_t> ok_by, fail_by;
    size_t failures = 0, bytes_in = 0;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file() || !is_module_file(it->path())) continue;
        auto file = read_file_bytes(it->path());
        Status st = file ? check_module_file(*file) : Status(file.error());
        std::string kind(file ? compression_name(detect_compression(*file)) : "unreadable");
        if (file) bytes_in += file->size();
        fs::path rel = fs::relative(it->path(), root, ec);
        if (st.ok()) {
            ++ok_by[kind];
            if (parsed->has("verbose")) std::printf("ok   %s\n", rel.c_str());
        } else {
            ++fail_by[kind];
            if (static_cast<long>(++failures) <= max_fail) std::printf("FAIL %s: %s\n", rel.c_str(), st.error().message.c_str());
        }
    }
    auto t2 = std::chrono::steady_clock::now();
    if (!tmp.empty()) fs::remove_all(tmp, ec);
    size_t total_ok = 0;
    for (const auto& [k, n] : ok_by) total_ok += n;
    std::printf("modules: %zu ok, %zu failed (", total_ok, failures);
    bool first = true;
    for (const auto& [k, n] : ok_by) {
        std::printf("%s%s ok %zu", first ? "" : ", ", k.c_str(), n);
        first = false;
    }
    for (const auto& [k, n] : fail_by) std::printf(", %s failed %zu", k.c_str(), n);
    using secs = std::chrono::duration<double>;
    std::printf("); %.1f MiB read; extract %.2f s, check %.2f s\n", static_cast<double>(bytes_in) / (1 << 20), secs(t1 - t0).count(),
                secs(t2 - t1).count());
    if (total_ok + failures == 0) {
        std::printf("no modules found under %s\n", input.c_str());
        return kExitFindings;
    }
    return failures ? kExitFindings : kExitOk;
}

}  // namespace

int cmd_inspect(const Args& args) { return cmd_inspect_impl(args); }
int cmd_gen(const Args& args) { return cmd_gen_impl(args); }
int cmd_malformations(const Args& args) { return cmd_malformations_impl(args); }
int cmd_check_package(const Args& args) { return cmd_check_package_impl(args); }

}  // namespace mh::cli
