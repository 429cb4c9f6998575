// Lookups over the record-type table (frame_types.h).
#include "harness/protocol/frame_types.h"

#include <array>

namespace mh::protocol {
namespace {

struct Row {
    FrameType type;
    std::string_view name;
    Direction direction;
};

constexpr std::array kRows{
#define MH_FRAME_ROW(e, name, dir, what) Row{FrameType::e, name, Direction::dir},
    MH_FRAME_TYPES(MH_FRAME_ROW)
#undef MH_FRAME_ROW
};

}  // namespace

std::string_view frame_type_name(FrameType t) {
    for (const auto& r : kRows)
        if (r.type == t) return r.name;
    return "unknown";
}

FrameType frame_type_from_name(std::string_view name) {
    for (const auto& r : kRows)
        if (r.name == name) return r.type;
    return FrameType::Unknown;
}

Direction frame_direction(FrameType t) {
    for (const auto& r : kRows)
        if (r.type == t) return r.direction;
    return Direction::ToHost;
}

FrameType frame_type(const KvRecord& record) {
    auto t = record.get("type");
    return t ? frame_type_from_name(*t) : FrameType::Unknown;
}

KvRecord make_record(FrameType t) {
    KvRecord r;
    r.set("type", std::string(frame_type_name(t)));
    return r;
}

}  // namespace mh::protocol
