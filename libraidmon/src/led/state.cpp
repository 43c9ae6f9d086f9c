// SPDX-License-Identifier: LGPL-2.1-or-later
#include "state.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/devnode.hpp"
#include "core/strutil.hpp"
#include "core/sysfs.hpp"

namespace raidmon {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

/// Format version of both files; a reader refuses other versions rather than guess.
constexpr int kStateVersion = 1;

std::int64_t toEpoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point fromEpoch(std::int64_t s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

template <typename T>
void putOpt(Json& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}

/// Strict field access: a state file is our own output, but it may be damaged or hand-edited.
/// Keeps the first problem, naming the file and the entry; the caller checks `first` once.
struct Reader {
    const fs::path& file;
    std::string where;
    std::optional<Error> first;

    void bad(const std::string& what) {
        if (!first) first = Error(errc::parse_error, file.string() + ": " + where + ": " + what);
    }
    std::string str(const Json& j, const char* key) {
        auto it = j.find(key);
        if (it != j.end() && it->is_string()) return it->get<std::string>();
        bad(std::string("'") + key + "' missing or not a string");
        return {};
    }
    std::optional<std::string> optStr(const Json& j, const char* key) {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) return std::nullopt;
        if (it->is_string()) return it->get<std::string>();
        bad(std::string("'") + key + "' is not a string");
        return std::nullopt;
    }
    std::int64_t integer(const Json& j, const char* key) {
        auto it = j.find(key);
        if (it != j.end() && it->is_number_integer()) return it->get<std::int64_t>();
        bad(std::string("'") + key + "' missing or not an integer");
        return 0;
    }
    int slot(const Json& j) {
        auto v = integer(j, "slot");
        if (v < 0 || v > (1 << 20)) bad("'slot' out of range");
        return static_cast<int>(v);
    }
};

Result<Json> loadDoc(const fs::path& file, const char* listKey) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return Json{{"version", kStateVersion}, {listKey, Json::array()}};
    auto text = detail::readFile(file);
    if (!text) return tl::unexpected(text.error());
    Json j = Json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(errc::parse_error, file.string() + ": not a JSON object");
    auto v = j.find("version");
    if (v == j.end() || !v->is_number_integer() || v->get<int>() != kStateVersion)
        return fail(errc::parse_error, file.string() + ": 'version' is not " + std::to_string(kStateVersion));
    auto l = j.find(listKey);
    if (l == j.end() || !l->is_array()) return fail(errc::parse_error, file.string() + ": '" + listKey + "' is not an array");
    return j;
}

} // namespace

namespace detail {

Result<void> writeFileAtomic(const fs::path& path, std::string_view content) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(fromErrno(ec.value()), path.parent_path().string() + ": cannot create: " + ec.message());
    fs::path tmp = path;
    tmp += ".tmp." + std::to_string(::getpid());
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return fail(fromErrno(errno), tmp.string() + ": " + std::strerror(errno));
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            ::unlink(tmp.c_str());
            return fail(fromErrno(e), tmp.string() + ": write: " + std::strerror(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail(fromErrno(e), tmp.string() + ": fsync: " + std::strerror(e));
    }
    fd = Fd();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail(fromErrno(e), path.string() + ": rename: " + std::strerror(e));
    }
    // The rename is durable only once the directory entry is (rename(2), "durability").
    Fd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());
    return {};
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<StateLock> lockState(const fs::path& stateDir) {
    std::error_code ec;
    fs::create_directories(stateDir, ec);
    if (ec) return fail(fromErrno(ec.value()), stateDir.string() + ": cannot create: " + ec.message());
    const fs::path file = stateDir / "leds.lock";
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail(fromErrno(errno), file.string() + ": " + std::strerror(errno));
    StateLock lock(fd);
    while (::flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) return fail(fromErrno(errno), file.string() + ": flock: " + std::strerror(errno));
    return lock;
}

fs::path leaseFile(const fs::path& stateDir) { return stateDir / "leds.json"; }
fs::path slotMemoryFile(const fs::path& stateDir) { return stateDir / "slots.json"; }

Result<void> saveLeases(const fs::path& stateDir, const std::vector<LedLease>& leases) {
    Json list = Json::array();
    for (const auto& l : leases) {
        Json j;
        j["enclosure"] = l.enclosure;
        j["slot"] = l.slot;
        putOpt(j, "label", l.label);
        putOpt(j, "drive", l.drive);
        j["pattern"] = std::string(toString(l.pattern));
        j["backend"] = l.backend;
        j["target"] = l.target;
        j["set_at"] = toEpoch(l.setAt);
        if (l.expiresAt) j["expires_at"] = toEpoch(*l.expiresAt);
        j["reason"] = l.reason;
        list.push_back(std::move(j));
    }
    Json doc{{"version", kStateVersion}, {"leases", std::move(list)}};
    return writeFileAtomic(leaseFile(stateDir), doc.dump(2) + "\n");
}

Result<void> saveSlotMemory(const fs::path& stateDir, const SlotMemory& memory) {
    Json list = Json::array();
    for (const auto& e : memory.entries) {
        Json j;
        j["drive"] = e.drive;
        putOpt(j, "serial", e.serial);
        putOpt(j, "wwn", e.wwn);
        putOpt(j, "model", e.model);
        j["enclosure"] = e.enclosure;
        j["slot"] = e.slot;
        putOpt(j, "label", e.label);
        putOpt(j, "kernel_name", e.kernelName);
        j["seen_at"] = toEpoch(e.seenAt);
        list.push_back(std::move(j));
    }
    Json doc{{"version", kStateVersion}, {"drives", std::move(list)}};
    return writeFileAtomic(slotMemoryFile(stateDir), doc.dump(2) + "\n");
}

} // namespace detail

Result<std::vector<LedLease>> loadLeases(const fs::path& stateDir) {
    const fs::path file = detail::leaseFile(stateDir);
    auto doc = loadDoc(file, "leases");
    if (!doc) return tl::unexpected(doc.error());
    std::vector<LedLease> out;
    std::size_t i = 0;
    for (const auto& j : (*doc)["leases"]) {
        Reader r{file, "leases[" + std::to_string(i++) + "]", std::nullopt};
        if (!j.is_object()) r.bad("not an object");
        if (r.first) return tl::unexpected(*r.first);
        LedLease l;
        l.enclosure = r.str(j, "enclosure");
        l.slot = r.slot(j);
        l.label = r.optStr(j, "label");
        l.drive = r.optStr(j, "drive");
        const std::string pattern = r.str(j, "pattern");
        l.backend = r.str(j, "backend");
        l.target = r.str(j, "target");
        l.setAt = fromEpoch(r.integer(j, "set_at"));
        if (j.contains("expires_at")) l.expiresAt = fromEpoch(r.integer(j, "expires_at"));
        l.reason = r.str(j, "reason");
        auto p = parseLedPattern(pattern);
        if (!p || *p == LedPattern::off) r.bad("'pattern' is not locate, fault or rebuild: " + detail::quoteForError(pattern));
        if (r.first) return tl::unexpected(*r.first);
        l.pattern = *p;
        out.push_back(std::move(l));
    }
    return out;
}

Result<SlotMemory> loadSlotMemory(const fs::path& stateDir) {
    const fs::path file = detail::slotMemoryFile(stateDir);
    auto doc = loadDoc(file, "drives");
    if (!doc) return tl::unexpected(doc.error());
    SlotMemory m;
    std::size_t i = 0;
    for (const auto& j : (*doc)["drives"]) {
        Reader r{file, "drives[" + std::to_string(i++) + "]", std::nullopt};
        if (!j.is_object()) r.bad("not an object");
        if (r.first) return tl::unexpected(*r.first);
        SlotMemoryEntry e;
        e.drive = r.str(j, "drive");
        e.serial = r.optStr(j, "serial");
        e.wwn = r.optStr(j, "wwn");
        e.model = r.optStr(j, "model");
        e.enclosure = r.str(j, "enclosure");
        e.slot = r.slot(j);
        e.label = r.optStr(j, "label");
        e.kernelName = r.optStr(j, "kernel_name");
        e.seenAt = fromEpoch(r.integer(j, "seen_at"));
        if (r.first) return tl::unexpected(*r.first);
        m.entries.push_back(std::move(e));
    }
    return m;
}

} // namespace raidmon
