// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON-lines sink: one CloudEvents object per line, appended to a file (or standard output).
#include <cerrno>
#include <cstring>

#include <fcntl.h>
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
        if (fd_ < 0) {
            if (path_ == "-") fd_ = 1;
            else fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
            if (fd_ < 0) {
                d.error = Error(fromErrno(errno), path_ + ": cannot open: " + std::strerror(errno));
                return d;
            }
        }
        // One write per event: a line is either whole in the file or (after a crash) repeated.
        for (const auto& e : batch) {
            std::string line = e.body;
            line += '\n';
            std::string_view rest = line;
            while (!rest.empty()) {
                const ssize_t n = ::write(fd_, rest.data(), rest.size());
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    const int err = n < 0 ? errno : EIO;
                    d.error = Error(fromErrno(err), path_ + ": cannot write: " + std::strerror(err));
                    // Reopen next time (the file may have been rotated or its disk replaced).
                    if (fd_ > 2) ::close(fd_);
                    fd_ = -1;
                    return d;
                }
                rest.remove_prefix(static_cast<std::size_t>(n));
            }
            ++d.delivered;
        }
        return d;
    }

private:
    std::string path_;
    int fd_ = -1;
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
