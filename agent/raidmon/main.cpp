// SPDX-License-Identifier: LGPL-2.1-or-later
// raidmon: the command-line tool. Each subcommand lives in its own cmd_*.cpp and registers itself
// in the table below.
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <streambuf>

#include <raidmon/text.hpp>
#include <raidmon/version.hpp>

#include "common.hpp"

namespace {

/// What raidmon prints for people goes through raidmon::TerminalFilter: a serial, a model or a
/// tool's message may carry escape sequences (docs/security.md). Line by line, so `raidmon watch`
/// stays live.
class TerminalSafeBuf final : public std::streambuf {
public:
    explicit TerminalSafeBuf(std::streambuf* dest) : dest_(dest) {}
    TerminalSafeBuf(const TerminalSafeBuf&) = delete;
    TerminalSafeBuf& operator=(const TerminalSafeBuf&) = delete;
    ~TerminalSafeBuf() override { finish(); }
    void finish() {
        pass();
        const std::string rest = filter_.finish();
        dest_->sputn(rest.data(), static_cast<std::streamsize>(rest.size()));
        dest_->pubsync();
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        buf_ += traits_type::to_char_type(c);
        if (c == '\n' || buf_.size() >= 4096) pass();
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        buf_.append(s, static_cast<std::size_t>(n));
        if (buf_.size() >= 4096 || std::memchr(s, '\n', static_cast<std::size_t>(n))) pass();
        return n;
    }
    int sync() override {
        pass();
        return dest_->pubsync();
    }

private:
    void pass() {
        if (buf_.empty()) return;
        const std::string out = filter_.feed(buf_);
        buf_.clear();
        dest_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
    }
    std::streambuf* dest_;
    raidmon::TerminalFilter filter_{true};
    std::string buf_;
};

/// --json: passes stdout through unchanged and remembers whether a document was written, so a
/// failed command that wrote none can print its error as JSON (jsonErrorDocument).
class CountingBuf final : public std::streambuf {
public:
    explicit CountingBuf(std::streambuf* dest) : dest_(dest) {}
    bool wrote() const { return wrote_; }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        wrote_ = true;
        return dest_->sputc(traits_type::to_char_type(c));
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        wrote_ = wrote_ || n > 0;
        return dest_->sputn(s, n);
    }
    int sync() override { return dest_->pubsync(); }

private:
    std::streambuf* dest_;
    bool wrote_ = false;
};

} // namespace

int main(int argc, char** argv) {
    using namespace raidmon::cli;
    // JSON is for programs and escapes control characters itself: it is passed as it is.
    bool json = false;
    for (int i = 1; i < argc; ++i) json = json || std::strcmp(argv[i], "--json") == 0;
    TerminalSafeBuf safeOut(std::cout.rdbuf()), safeErr(std::cerr.rdbuf());
    CountingBuf jsonOut(std::cout.rdbuf());
    std::streambuf* const realOut = std::cout.rdbuf();
    std::streambuf* const realErr = std::cerr.rdbuf();
    std::cout.rdbuf(json ? static_cast<std::streambuf*>(&jsonOut) : &safeOut);
    std::cerr.rdbuf(&safeErr);
    struct Restore {
        std::streambuf *out, *err;
        ~Restore() {
            std::cout.flush();
            std::cerr.flush();
            std::cout.rdbuf(out);
            std::cerr.rdbuf(err);
        }
    } restore{realOut, realErr};
    std::string usageError;
    const int rc = [&]() -> int {
    CLI::App app{"raidmon: disks, RAID arrays and enclosure slots of this server"};
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the subcommand: "raidmon status --json"
    app.set_version_flag("--version", raidmon::kVersion);
    Globals g;
    app.add_flag("--json", g.json, "Machine-readable JSON output");
    app.add_option("--root", g.root, "Read sys/, proc/, dev/, etc/, run/ under DIR (a recorded host)");
    app.add_option("--proc", g.procDir, "Directory to read instead of /proc");
    app.add_option("--etc", g.etcDir, "Directory to read instead of /etc");
    app.add_option("--state-dir", g.stateDir, "State directory (default /var/lib/raidmon)");
    app.add_flag("--no-device-io", g.noDeviceIo, "Never open device nodes; read only sysfs, udev and tools");
    app.add_flag("-v,--verbose", g.verbose, "Log to stderr (twice: debug)");

    int exitCode = 0;
    // One line per subcommand (keep sorted).
    const Register commands[] = {
        registerCommand,
        registerDecode,
        registerEvents,
        registerHotswap,
        registerIdentify,
        registerIdentity,
        registerLeds,
        registerLocate,
        registerPlan,
        registerPredict,
        registerSafeToRemove,
        registerSmart,
        registerStatus,
        registerWatch,
    };
    for (auto reg : commands) reg(app, g, exitCode);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int parsed = app.exit(e);
        if (parsed != 0) usageError = e.what();
        return parsed == 0 ? 0 : kExitUsage;
    } catch (const std::exception& e) {
        printError(std::string("internal error: ") + e.what());
        return kExitSoftware;
    }
    return exitCode;
    }();
    // --json: a failure that printed no document says so in JSON on stdout (raidmon(8)).
    if (json && rc != 0 && !jsonOut.wrote()) std::cout << jsonErrorDocument(rc, usageError) << '\n';
    return rc;
}
