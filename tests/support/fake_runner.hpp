// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// FakeCommandRunner: an ordered script of expected command lines and what each "returns". An
// unexpected or out-of-order command fails the test; leftovers are checked by the caller
// (BOOST_TEST(runner.done())) at the end of the test.
#include <deque>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <raidmon/context.hpp>

namespace raidmon::test {

class FakeCommandRunner final : public CommandRunner {
public:
    struct Step {
        std::vector<std::string> argv;
        Result<CommandOutput> result;
        std::chrono::milliseconds expectTimeout{0};  ///< 0: do not check
    };

    void expect(std::vector<std::string> argv, Result<CommandOutput> result, std::chrono::milliseconds timeout = {}) {
        steps_.push_back(Step{std::move(argv), std::move(result), timeout});
    }

    Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds timeout) override {
        std::vector<std::string> got(argv.begin(), argv.end());
        if (steps_.empty()) {
            BOOST_ERROR("unexpected command: " + join(got));
            return fail(errc::invalid_argument, "FakeCommandRunner: unexpected command");
        }
        Step s = std::move(steps_.front());
        steps_.pop_front();
        BOOST_TEST(join(got) == join(s.argv));
        if (s.expectTimeout.count() != 0) BOOST_TEST(timeout.count() == s.expectTimeout.count());
        return s.result;
    }

    /// True when every scripted command was run.
    [[nodiscard]] bool done() const { return steps_.empty(); }

private:
    static std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
        return s;
    }
    std::deque<Step> steps_;
};

} // namespace raidmon::test
