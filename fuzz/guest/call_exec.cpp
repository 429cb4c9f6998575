// The guest side of a fuzz input: one module syscall per input, with its actions (see call_exec.h).
#include "fuzz/guest/call_exec.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "harness/sys/syscalls.h"

namespace mh::fuzz {

namespace {

constexpr const char* kFilePath = "/tmp/mh-fuzz.ko";

bool write_all(int fd, const std::vector<uint8_t>& b) {
    size_t done = 0;
    while (done < b.size()) {
        const ssize_t n = ::pwrite(fd, b.data() + done, b.size() - done, static_cast<off_t>(done));
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// The file kinds: written, closed (finit refuses files open for writing), then reopened.
int file_fd(const std::vector<uint8_t>& image, int mode) {
    const int w = ::open(kFilePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w < 0) return -1;
    const bool ok = write_all(w, image);
    ::close(w);
    return ok ? ::open(kFilePath, mode | O_CLOEXEC) : -1;
}

// Reads a file to its end and drops the bytes: the kernel's show/read functions are the point.
void drain(int fd) {
    static char buf[64 * 1024];
    while (::read(fd, buf, sizeof buf) > 0) {}
}

void read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    drain(fd);
    ::close(fd);
}

void write_file(const std::string& path, const char* text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)!::write(fd, text, std::strlen(text));
    ::close(fd);
}

void read_dir_files(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (const dirent* e = ::readdir(d))
        if (e->d_name[0] != '.' || (e->d_name[1] && std::strcmp(e->d_name, "..") != 0)) read_file(dir + "/" + e->d_name);
    ::closedir(d);
}

// The modules' part of /proc/kallsyms (module_get_kallsym). The kernel's ~27k symbols come first;
// a KCOV trace of reading them would fill the buffer before the modules' part, so a thread
// without KCOV reads up to the first module line ("\t[name]") and this (traced) thread the rest.
void read_module_kallsyms() {
    const int fd = ::open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    std::thread([fd] {
        char buf[512];  // small reads: seq_file formats only about as much as is asked for
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf - 1)) > 0;) {
            buf[n] = 0;
            if (std::strchr(buf, '[')) break;
        }
    }).join();
    drain(fd);
    ::close(fd);
}

// Everything the kernel shows about a loaded module (kernel/module/sysfs.c, main.c show_*).
void probe_sysfs(const std::string& name) {
    const std::string base = "/sys/module/" + name;
    for (const char* a : {"coresize", "initsize", "initstate", "taint", "refcnt", "version", "srcversion"}) read_file(base + "/" + a);
    for (const char* sub : {"sections", "notes", "parameters", "holders"}) read_dir_files(base + "/" + sub);
    write_file(base + "/uevent", "add");
    read_file("/sys/module/compression");
}

// Names in /proc/modules, newest first.
std::vector<std::string> proc_modules() {
    std::vector<std::string> names;
    FILE* f = std::fopen("/proc/modules", "re");
    if (!f) return names;
    char line[512];
    while (std::fgets(line, sizeof line, f))
        if (const char* sp = std::strchr(line, ' ')) names.emplace_back(line, static_cast<size_t>(sp - line));
    std::fclose(f);
    return names;
}

// The *.ko files of a directory (full paths), sorted: providers are named to load before their users.
std::vector<std::string> ko_files(const std::string& dir) {
    std::vector<std::string> files;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return files;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view n(e->d_name);
        if (n.size() > 3 && n.substr(n.size() - 3) == ".ko") files.push_back(dir + "/" + e->d_name);
    }
    ::closedir(d);
    std::sort(files.begin(), files.end());
    return files;
}

// "mh_provider" for "/mh/env/mh_provider.ko".
std::string ko_stem(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    return base.substr(0, base.size() - 3);
}

}  // namespace

CallExecutor::CallExecutor() {
    memfd_ = ::memfd_create("mh-fuzz", MFD_CLOEXEC);
    unmapped_ = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

CallExecutor::~CallExecutor() {
    if (memfd_ >= 0) ::close(memfd_);
    if (unmapped_ != MAP_FAILED) ::munmap(unmapped_, 4096);
}

int CallExecutor::load_environment(const std::string& dir) {
    environment_files_ = ko_files(dir);  // fixed for the VM's life: listed once
    load_environment_files();
    // Kept loaded: the modules named by the files (campaigns name them <module>.ko). Not "what is
    // loaded now": under AFL++ every forked child calls this, after its parent loaded them.
    environment_.clear();
    const auto loaded = proc_modules();
    for (const auto& f : environment_files_) {
        std::string name = ko_stem(f);
        std::replace(name.begin(), name.end(), '-', '_');
        if (std::find(loaded.begin(), loaded.end(), name) != loaded.end()) environment_.push_back(name);
    }
    return static_cast<int>(environment_.size());
}

// finit_module of every environment module.
void CallExecutor::load_environment_files(const char* params) const {
    for (const auto& f : environment_files_) {
        const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
        const auto r = fd < 0 ? sys::RawResult{-1, errno} : sys::finit_module(fd, params, 0);
        if (fd >= 0) ::close(fd);
        if (r.ret != 0 && r.err != EEXIST) std::fprintf(stderr, "mh-fuzz: environment module %s: %s\n", f.c_str(), std::strerror(r.err));
    }
}

// Loads the environment again unless all of it is loaded (a reload attempt is a whole finit_module).
void CallExecutor::ensure_environment() const {
    if (!environment_listed()) load_environment_files();
}

bool CallExecutor::environment_listed() const {
    const auto present = proc_modules();
    for (const auto& e : environment_)
        if (std::find(present.begin(), present.end(), e) == present.end()) return false;
    return true;
}

bool CallExecutor::unload_environment() {
    bool gone = false;
    for (const auto& e : environment_) gone |= sys::delete_module(e.c_str(), O_NONBLOCK).ret == 0;
    return gone;
}

CallResult CallExecutor::run(const mutate::FuzzInput& in, protocol::PhaseClock* clock) {
    using protocol::ExecPhase;
    auto mark = [clock](ExecPhase p) {
        if (clock) clock->mark(p);
    };
    const bool bad_params = (in.call.actions & mutate::kBadParamsPointer) && unmapped_ != MAP_FAILED;
    const bool bad_image = (in.call.actions & mutate::kBadImagePointer) && unmapped_ != MAP_FAILED;
    const char* params = bad_params ? static_cast<const char*>(unmapped_) : in.call.params.c_str();
    const void* image = bad_image ? unmapped_ : static_cast<const void*>(in.image.data());
    racer_pcs_ = {};
    int fd = -1;
    int extra = -1;
    if (in.call.syscall == mutate::Syscall::finit_module) {
        switch (in.call.fd_kind) {
            case mutate::FdKind::memfd:
                if (memfd_ >= 0 && ::ftruncate(memfd_, 0) == 0 && write_all(memfd_, in.image)) fd = memfd_;
                break;
            case mutate::FdKind::file: fd = file_fd(in.image, O_RDONLY); break;
            case mutate::FdKind::wronly: fd = file_fd(in.image, O_WRONLY); break;
            case mutate::FdKind::pipe: {
                int p[2];
                if (::pipe2(p, O_CLOEXEC) == 0) {
                    fd = p[0];
                    extra = p[1];
                }
                break;
            }
            case mutate::FdKind::count: break;
        }
    }
    auto call = [&]() -> sys::RawResult {
        if (in.call.syscall == mutate::Syscall::init_module) return sys::init_module(image, in.image.size(), params);
        return fd >= 0 ? sys::finit_module(fd, params, in.call.flags) : sys::RawResult{-1, EBADF};
    };

    mark(ExecPhase::Setup);
    sys::RawResult raced{-1, 0};
    bool racing = false, provider_gone = false;
    if ((in.call.actions & mutate::kRaceProvider) && (provider_gone = unload_environment())) {
        // The provider comes back while the call resolves its symbols: still COMING (its init
        // sleeps), so an importing module waits for it in resolve_symbol_wait. The call starts
        // once /proc/modules lists it (it does from COMING on), not before.
        racer_.start([this] { load_environment_files("init_delay_ms=50"); });
        racing = true;
        for (int ms = 0; ms < 300 && !environment_listed(); ++ms) ::usleep(1000);
    } else if (in.call.actions & mutate::kConcurrent) {
        // The racer first looks at the loading thread's wchan (a module init that sleeps shows
        // as a module symbol) and at /proc/modules (a module still COMING shows as "+"), then calls.
        const std::string wchan = "/proc/self/task/" + std::to_string(::gettid()) + "/wchan";
        // finit_module calls at once instead: two loads of one inode overlap in idempotent().
        const bool at_once = in.call.syscall == mutate::Syscall::finit_module;
        racer_.start([&, wchan, at_once] {
            if (at_once) {
                raced = call();
                return;
            }
            for (int i = 0; i < 3; ++i) {
                ::usleep(2000);
                read_file(wchan);
            }
            (void)loaded_names();
            raced = call();
        });
        racing = true;
    }
    if (racing) mark(ExecPhase::Racer);
    const sys::RawResult r = call();
    mark(ExecPhase::Call);
    if (racing) {
        racer_pcs_ = racer_.finish();
        mark(ExecPhase::Racer);
    }

    if (r.ret == 0 || raced.ret == 0) {
        const auto names = loaded_names();
        mark(ExecPhase::Listing);
        if (in.call.actions & mutate::kRepeat) (void)call();  // EEXIST: the module is still loaded
        mark(ExecPhase::Call);
        after_load(in, names);
        mark(ExecPhase::AfterLoad);
        unload(names, (in.call.actions & mutate::kForceUnload) != 0);
        mark(ExecPhase::Unload);
    }
    if (provider_gone) {
        ensure_environment();  // the racer's load may have lost the race
        mark(ExecPhase::Environment);
    }
    if (fd >= 0 && fd != memfd_) ::close(fd);
    if (extra >= 0) ::close(extra);
    mark(ExecPhase::Setup);
    return {r.ret, r.ret == 0 ? 0 : r.err};
}

void CallExecutor::after_load(const mutate::FuzzInput& in, const std::vector<std::string>& names) {
    if (in.call.actions & mutate::kProbeSysfs)
        for (const auto& n : names) probe_sysfs(n);
    if (in.call.actions & mutate::kReadKallsyms) read_module_kallsyms();
    // Refused (EWOULDBLOCK) while the new module uses it; if it went, it is loaded back at once.
    if ((in.call.actions & mutate::kUnloadProvider) && unload_environment()) ensure_environment();
}

// /proc/modules minus the environment (the fuzzing guest loads nothing else), newest first.
std::vector<std::string> CallExecutor::loaded_names() const {
    std::vector<std::string> names;
    for (auto& n : proc_modules())
        if (std::find(environment_.begin(), environment_.end(), n) == environment_.end()) names.push_back(std::move(n));
    return names;
}

void CallExecutor::unload(const std::vector<std::string>& names, bool force_first) {
    for (const auto& n : names) {
        if (force_first && sys::delete_module(n.c_str(), O_NONBLOCK | O_TRUNC).ret == 0) continue;
        auto r = sys::delete_module(n.c_str(), O_NONBLOCK);
        // No exit function (EBUSY) or a reference it keeps (EWOULDBLOCK): force, or it stays forever.
        if (r.ret != 0 && (r.err == EBUSY || r.err == EWOULDBLOCK)) sys::delete_module(n.c_str(), O_NONBLOCK | O_TRUNC);
    }
}

}  // namespace mh::fuzz
