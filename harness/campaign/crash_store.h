// Crashes of a campaign on disk, grouped by title: <out>/crashes/<slug>/ holds the first input of
// the group (input.bin), its call and mutation history, the console report, and a count of
// repeats; <out>/crashes/index.jsonl has one durable line per crash event.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "harness/common/expected.h"

namespace mh::campaign {

struct CrashEvent {
    std::string title;  // console parser title, or "hang: ..." / "taint: ..." when the console had none
    std::string kind;  // the supervisor's kind: oops (signal), taint, hang, exit-N, vm-lost
    std::string input;  // encoded fuzz input ("" when the VM died before the supervisor could send it)
    bool input_truncated = false;
    std::string console_excerpt;
    std::string engine;  // which campaign engine found it
    double campaign_seconds = 0;
};

struct CrashGroup {
    std::string title;
    std::string slug;
    int count = 0;
    bool has_input = false;
    bool new_this_run = false;
    double first_seconds = 0;
};

class CrashStore {
public:
    explicit CrashStore(std::filesystem::path out_dir);
    // Reads what an earlier run of the same campaign recorded (titles become "known").
    Status load();
    // Records one event durably; returns the group it joined.
    Expected<CrashGroup> add(const CrashEvent& e);
    std::map<std::string, CrashGroup> groups() const;
    int events() const;
    int new_titles() const;

    static std::string slug_for(const std::string& title);

private:
    std::filesystem::path dir_;
    mutable std::mutex mu_;
    std::map<std::string, CrashGroup> groups_;
    int events_ = 0;
};

}  // namespace mh::campaign
