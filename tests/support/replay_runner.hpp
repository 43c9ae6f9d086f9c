// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// ReplayRunner plays a recording tests/data/cmd/<name>.json:
//   {"commands": [{"argv": ["storcli64", "/call", "show", "all", "J"], "exit": 0,
//                  "stdout_file": "storcli/....json"}, {"argv": [...], "error": "not_found"}]}
// stdout_file is relative to tests/data (so recordings reuse the byte-exact captures). Commands
// are matched by argv, in any order; an argv that is not in the recording is not_found, as for a
// program that is not installed.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <raidmon/context.hpp>

#include "testdata.hpp"

namespace raidmon::test {

class ReplayRunner final : public CommandRunner {
public:
    explicit ReplayRunner(const std::string& recording) {
        auto j = nlohmann::json::parse(readData("cmd/" + recording));
        for (const auto& c : j.at("commands")) {
            Entry e;
            e.exit = c.value("exit", 0);
            if (c.contains("stdout_file")) e.out = readData(c.at("stdout_file").get<std::string>());
            if (c.contains("stdout")) e.out = c.at("stdout").get<std::string>();
            if (c.contains("error")) e.error = c.at("error").get<std::string>();
            entries_[key(c.at("argv").get<std::vector<std::string>>())] = e;
        }
    }
    Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds) override {
        std::vector<std::string> v(argv.begin(), argv.end());
        played_.push_back(key(v));
        auto it = entries_.find(key(v));
        if (it == entries_.end()) return fail(errc::not_found, v.empty() ? "" : v[0] + ": not in the recording");
        if (it->second.error == "command_timeout") return fail(errc::command_timeout, v[0] + ": timed out (recorded)");
        if (!it->second.error.empty()) return fail(errc::not_found, v[0] + ": not found (recorded)");
        return CommandOutput{it->second.exit, it->second.out, {}};
    }
    [[nodiscard]] const std::vector<std::string>& played() const { return played_; }

private:
    struct Entry {
        int exit = 0;
        std::string out, error;
    };
    static std::string key(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& a : v) s += a + '\x1f';
        return s;
    }
    std::map<std::string, Entry> entries_;
    std::vector<std::string> played_;
};

} // namespace raidmon::test
