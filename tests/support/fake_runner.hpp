// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// A hand-written CommandRunner for tests (STYLE.md: libnvme mock.h / end_mock_cmds): an ordered
// script of expected argv with the output, exit status or error to give back. An unexpected or
// out-of-order call fails the test and answers invalid_argument; leftovers are reported by
// verifyDone(), which the destructor calls too (done() asks without reporting).
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <raidmon/context.hpp>

namespace raidmon::test {

struct ScriptedCall {
    std::vector<std::string> argv;
    Result<CommandOutput> result;
    std::chrono::milliseconds expectTimeout{0};  ///< 0: any positive time limit is accepted
};

class FakeCommandRunner final : public CommandRunner {
public:
    FakeCommandRunner() = default;
    FakeCommandRunner(const FakeCommandRunner&) = delete;
    FakeCommandRunner& operator=(const FakeCommandRunner&) = delete;
    ~FakeCommandRunner() override { verifyDone(); }

    /// Expect `argv`; answer with stdout `out` and exit status `exit`.
    FakeCommandRunner& expect(std::vector<std::string> argv, std::string out, int exit = 0) {
        script_.push_back({std::move(argv), CommandOutput{exit, std::move(out), {}}, {}});
        return *this;
    }
    /// Expect `argv` with time limit `timeout` (0: any); answer with `result` (output or error).
    FakeCommandRunner& expect(std::vector<std::string> argv, Result<CommandOutput> result,
                              std::chrono::milliseconds timeout = {}) {
        script_.push_back({std::move(argv), std::move(result), timeout});
        return *this;
    }
    /// Expect `argv`; answer with an error (a missing program, a timeout).
    FakeCommandRunner& expectError(std::vector<std::string> argv, errc e, std::string msg) {
        script_.push_back({std::move(argv), tl::unexpected(Error(e, std::move(msg))), {}});
        return *this;
    }

    Result<CommandOutput> run(std::span<const std::string> argv, std::chrono::milliseconds timeout) override {
        std::vector<std::string> got(argv.begin(), argv.end());
        calls_.push_back(got);
        BOOST_TEST(timeout.count() > 0);
        if (script_.empty()) {
            BOOST_ERROR("unexpected command: " + join(got));
            return fail(errc::invalid_argument, "FakeCommandRunner: unexpected command " + join(got));
        }
        auto next = std::move(script_.front());
        script_.pop_front();
        if (next.argv != got) {
            BOOST_ERROR("expected command: " + join(next.argv) + "\n     got command: " + join(got));
            return fail(errc::invalid_argument, "FakeCommandRunner: out-of-order command " + join(got));
        }
        if (next.expectTimeout.count() != 0) BOOST_TEST(timeout.count() == next.expectTimeout.count());
        return next.result;
    }

    /// True when every scripted command has run.
    [[nodiscard]] bool done() const { return script_.empty(); }
    /// Report every scripted command that never ran (once).
    void verifyDone() {
        if (checked_) return;
        checked_ = true;
        for (const auto& s : script_) BOOST_ERROR("expected command never ran: " + join(s.argv));
    }
    [[nodiscard]] const std::vector<std::vector<std::string>>& calls() const { return calls_; }

    static std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
        return s;
    }

private:
    std::deque<ScriptedCall> script_;
    std::vector<std::vector<std::string>> calls_;
    bool checked_ = false;
};

} // namespace raidmon::test
