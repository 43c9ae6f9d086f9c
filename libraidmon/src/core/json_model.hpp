// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// nlohmann::ordered_json conversions of the model (private: nlohmann is not part of the public API).
// Field names follow DESIGN.md "Normalised model". Unknown values are emitted as null.

#include <optional>

#include <nlohmann/json.hpp>

#include <raidmon/model.hpp>

namespace raidmon::detail {

using Json = nlohmann::ordered_json;

template <typename T>
Json opt(const std::optional<T>& v) {
    if (!v) return nullptr;
    return Json(*v);
}

Json toJsonValue(const Location& l);
Json toJsonValue(const Smart& s);
Json toJsonValue(const Risk& r);
Json toJsonValue(const Drive& d);
Json toJsonValue(const ArrayOperation& o);
Json toJsonValue(const Array& a);
Json toJsonValue(const Controller& c);
Json toJsonValue(const Slot& s);
Json toJsonValue(const Enclosure& e);
Json toJsonValue(const Host& h);
Json toJsonValue(const Inventory& inv);

} // namespace raidmon::detail
