// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// What a text decoder skipped: sections, keys and lines it does not read. Counted into
// Capture::skipped, the first few named in one note (docs/decoders.md "Rules every decoder keeps").

#include <string>
#include <string_view>
#include <vector>

#include <raidmon/decode.hpp>

#include "core/strutil.hpp"

namespace raidmon::detail::ctl {

/// Collects the skipped items of one decode; finish() writes them into the Capture.
class SkipLog {
public:
    /// Record one skipped item (a key, a section title, a line), `where` naming it for a person.
    void add(std::string_view where) {
        ++count_;
        if (first_.size() < kNamed) first_.push_back(quoteForError(where, 48));
    }
    [[nodiscard]] std::size_t count() const noexcept { return count_; }
    /// Add the count to `cap.skipped` and, when anything was skipped, one note naming the first ones.
    void finish(Capture& cap, std::string_view tool) const {
        cap.skipped += count_;
        if (count_ == 0) return;
        std::string note = std::string(tool) + ": " + std::to_string(count_) + " section(s), key(s) or line(s) not read (first: ";
        for (std::size_t i = 0; i < first_.size(); ++i) note += (i ? ", " : "") + first_[i];
        cap.notes.push_back(note + ")");
    }

private:
    static constexpr std::size_t kNamed = 5;
    std::size_t count_ = 0;
    std::vector<std::string> first_;
};

} // namespace raidmon::detail::ctl
