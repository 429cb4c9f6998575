// Tests for blame: frames as the 6.1.0-57 debug vmlinux resolves them for baseline reports.
#include "harness/symbolize/attribution.h"

#include <gtest/gtest.h>

using namespace mh::symbolize;

namespace {

SymbolizedFrame frame(const std::string& fn, std::vector<SourceLocation> locs, bool reliable = true, const std::string& module = "",
                      bool ip = false) {
    SymbolizedFrame f;
    f.frame.function = fn;
    f.frame.reliable = reliable;
    f.frame.module = module;
    f.frame.ip = ip;
    f.locations = std::move(locs);
    return f;
}

}  // namespace

// mal-this-module-name-empty on 6.1: WARNING in kobject_add_internal.
TEST(Attribution, TheFirstLoaderLineUnderTheFaultInlinedOnesIncluded) {
    const std::vector<SymbolizedFrame> frames = {
        frame("kobject_add_internal", {{"kobject_add_internal", "lib/kobject.c", 210, 0}}, true, "", true),
        frame("kobject_init_and_add", {{"kobject_add_varg", "lib/kobject.c", 366, 0}, {"kobject_init_and_add", "lib/kobject.c", 449, 0}}),
        // An unreliable frame is skipped even though it is a loader-adjacent file.
        frame("ftrace_module_enable", {{"ftrace_module_enable", "kernel/module/main.c", 1, 0}}, false),
        frame("mod_sysfs_setup",
              {{"mod_sysfs_init", "kernel/module/sysfs.c", 361, 0}, {"mod_sysfs_setup", "kernel/module/sysfs.c", 377, 0}}),
        frame("load_module", {{"load_module", "kernel/module/main.c", 2871, 0}}),
    };
    const auto a = attribute(frames);
    EXPECT_EQ(a.kind, "loader");
    EXPECT_EQ(a.text(), "loader: mod_sysfs_init kernel/module/sysfs.c:361");
    EXPECT_EQ(a.to_json()["line"], 361);
    EXPECT_TRUE(is_loader_file("arch/x86/kernel/module.c"));
    EXPECT_FALSE(is_loader_file("arch/x86/kernel/alternative.c"));
}

TEST(Attribution, ModuleCodeIsTheModulesOwnDoing) {
    // A module's init called strlen on garbage: the module frame comes before any loader frame.
    const auto called = attribute({frame("strlen", {{"strlen", "lib/string.c", 410, 0}}, true, "", true),
                                   frame("mh_paramoops_init", {}, true, "mh_paramoops"),
                                   frame("do_one_initcall", {{"do_one_initcall", "init/main.c", 1238, 0}}),
                                   frame("do_init_module", {{"do_init_module", "kernel/module/main.c", 2455, 0}})});
    EXPECT_EQ(called.kind, "module-code");
    EXPECT_EQ(called.text(), "module code: mh_paramoops_init [mh_paramoops]");
    EXPECT_EQ(called.culprit(), "mh_paramoops_init [mh_paramoops]");
    const auto own = attribute({frame("mh_oops_init", {}, true, "mh_oops", true)});
    EXPECT_EQ(own.reason, "the fault is in the module's own code");
    // With the module's .ko added, the module frame has lines: the culprit names the line.
    const auto lined = attribute({frame("mh_oops_init", {{"mh_oops_init", "mh_oops.c", 21, 0}}, true, "mh_oops", true)});
    EXPECT_EQ(lined.culprit(), "mh_oops_init mh_oops.c:21 [mh_oops]");
    EXPECT_EQ(lined.text(), "module code: mh_oops_init mh_oops.c:21 [mh_oops]");
    EXPECT_EQ(lined.to_json()["line"], 21);
    // fuzz-6.1, a KASAN global descriptor of the module changed: __asan_register_globals, tail-called
    // by the module's constructor, faults under do_mod_ctors (inlined into do_init_module).
    const auto ctor = attribute({frame("__memset", {{"__memset", "arch/x86/lib/memset_64.S", 32, 0}}, true, "", true),
                                 frame("kasan_unpoison", {{"kasan_unpoison", "mm/kasan/shadow.c", 174, 0}}),
                                 frame("__asan_register_globals", {{"register_global", "mm/kasan/generic.c", 211, 0}}),
                                 frame("do_init_module", {{"do_mod_ctors", "kernel/module/main.c", 2420, 0},
                                                          {"do_init_module", "kernel/module/main.c", 2475, 0}})});
    EXPECT_EQ(ctor.kind, "module-code");
    EXPECT_EQ(ctor.culprit(), "do_mod_ctors kernel/module/main.c:2420");
    EXPECT_TRUE(calls_module_code("do_mod_ctors"));
    EXPECT_FALSE(calls_module_code("load_module"));
    EXPECT_EQ(attribute({}).kind, "unattributed");
    EXPECT_EQ(attribute({frame("vfs_read", {{"vfs_read", "fs/read_write.c", 1, 0}}, true, "", true)}).kind, "unattributed");
}
