// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON-lines sink: one CloudEvents object per line, appended to a file (or standard output).
// The file only ever holds whole lines: a write cut short (the disk filled, a signal) is cut back
// to where the line began before the error is reported, and a line left half-written by a crash
// or a power cut is cut off when the file is opened. The event is delivered again (it was not
// acknowledged), so nothing is lost and no event exists only inside a broken line.
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/sinks.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon::agent {

namespace {

class FileSink final : public Sink {
public:
    explicit FileSink(std::string path) : path_(std::move(path)) {}
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    ~FileSink() override {
        if (fd_ > 2) ::close(fd_);
    }

    Delivery deliver(std::span<const StoredEvent> batch) override {
        Delivery d;
        if (auto e = ready(d.notes)) {
            d.error = std::move(e);
            return d;
        }
        for (const auto& e : batch) {
            if (auto err = append(e.body, d.notes)) {
                d.error = std::move(err);
                return d;
            }
            ++d.delivered;
        }
        return d;
    }

private:
    std::optional<Error> sysError(const std::string& what, int err) const {
        return Error(fromErrno(err), path_ + ": " + what + ": " + std::strerror(err));
    }

    /// Open the file (first use, or after an error), cutting off a partial last line; or finish a
    /// cut-back that failed before.
    std::optional<Error> ready(std::vector<std::string>& notes) {
        if (fd_ < 0) {
            if (path_ == "-") {
                fd_ = 1;
                return std::nullopt;
            }
            fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
            if (fd_ < 0) return sysError("cannot open", errno);
            if (auto e = cutPartialLine(notes)) {
                reopenLater();
                return e;
            }
        }
        if (cutTo_) {
            if (::ftruncate(fd_, *cutTo_) != 0) return sysError("cannot cut back a partial line at byte " + std::to_string(*cutTo_), errno);
            notes.push_back("file=" + path_ + " cut back a partial line at byte " + std::to_string(*cutTo_));
            cutTo_.reset();
        }
        return std::nullopt;
    }

    /// A file that does not end with a newline ends with a line cut short: cut it off.
    std::optional<Error> cutPartialLine(std::vector<std::string>& notes) {
        struct stat st{};
        if (::fstat(fd_, &st) != 0) return sysError("fstat", errno);
        if (!S_ISREG(st.st_mode) || st.st_size == 0) return std::nullopt;  // a FIFO or terminal: nothing to repair
        off_t end = st.st_size;
        char buf[65536];
        for (off_t pos = end; pos > 0;) {
            const off_t from = pos > static_cast<off_t>(sizeof buf) ? pos - static_cast<off_t>(sizeof buf) : 0;
            const ssize_t n = ::pread(fd_, buf, static_cast<std::size_t>(pos - from), from);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return sysError("read", n < 0 ? errno : EIO);
            if (pos == end && buf[n - 1] == '\n') return std::nullopt;  // ends with a whole line
            for (ssize_t i = n; i-- > 0;) {
                if (buf[i] != '\n') continue;
                const off_t keep = from + i + 1;
                if (::ftruncate(fd_, keep) != 0) return sysError("cannot cut off a partial last line", errno);
                notes.push_back("file=" + path_ + " cut off a partial last line (" + std::to_string(end - keep) + " bytes) left by an "
                                "earlier write");
                return std::nullopt;
            }
            pos = from;
        }
        if (::ftruncate(fd_, 0) != 0) return sysError("cannot cut off a partial line", errno);
        notes.push_back("file=" + path_ + " held only a partial line (" + std::to_string(end) + " bytes): cut off");
        return std::nullopt;
    }

    std::optional<Error> append(const std::string& body, std::vector<std::string>& notes) {
        std::string line = body;
        line += '\n';
        // Where the line begins: with O_APPEND every write goes to the end of the file.
        off_t start = -1;
        if (fd_ > 2) {
            struct stat st{};
            if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) start = st.st_size;
        }
        std::string_view rest = line;
        while (!rest.empty()) {
            const ssize_t n = ::write(fd_, rest.data(), rest.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int err = n < 0 ? errno : EIO;
                auto e = sysError("cannot write", err);
                if (start >= 0 && rest.size() < line.size()) {
                    // Part of the line is in the file: take it back before anything else is written.
                    if (::ftruncate(fd_, start) != 0) {
                        cutTo_ = start;
                        e->message += " (and cannot cut back the partial line yet: " + std::string(std::strerror(errno)) + ")";
                        return e;  // fd kept: the cut-back is retried first
                    }
                    notes.push_back("file=" + path_ + " cut back a partial line (" + std::to_string(line.size() - rest.size()) +
                                    " of " + std::to_string(line.size()) + " bytes written) to byte " + std::to_string(start));
                }
                reopenLater();
                return e;
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
        return std::nullopt;
    }

    /// Reopen next time (the file may have been rotated or its disk replaced).
    void reopenLater() {
        if (fd_ > 2) ::close(fd_);
        fd_ = -1;
    }

    std::string path_;
    int fd_ = -1;
    std::optional<off_t> cutTo_;  ///< a partial line starts here and could not be cut back yet
};

} // namespace

std::unique_ptr<Sink> makeFileSink(const SinkConfig& cfg) { return std::make_unique<FileSink>(cfg.path); }

std::string expandTopic(std::string_view tmpl, const HostIdentity& host) {
    std::string out(tmpl);
    auto replace = [&](std::string_view key, const std::string& value) {
        for (auto p = out.find(key); p != std::string::npos; p = out.find(key, p + value.size())) out.replace(p, key.size(), value);
    };
    replace("{machine_id}", host.host.machineId.value_or("unknown"));
    replace("{hostname}", host.host.hostname.value_or("unknown"));
    return out;
}

} // namespace raidmon::agent
