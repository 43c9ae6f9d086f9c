// SPDX-License-Identifier: LGPL-2.1-or-later
#include "state.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/devnode.hpp"
#include "core/statedir.hpp"
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
    // Through the checked state directory: a link planted in place of the file is not followed.
    auto text = detail::readStateFile(file);
    if (!text) return tl::unexpected(text.error());
    if (!*text) return Json{{"version", kStateVersion}, {listKey, Json::array()}};
    Json j = Json::parse(**text, nullptr, false);
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
    auto dir = StateDir::open(path.parent_path(), true);
    if (!dir) return tl::unexpected(dir.error());
    return dir->write(path.filename().string(), content);
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<StateLock> lockState(const fs::path& stateDir) {
    auto dir = StateDir::open(stateDir, true);
    if (!dir) return tl::unexpected(dir.error());
    auto fd = dir->openLockFile("leds.lock");
    if (!fd) return tl::unexpected(fd.error());
    const fs::path file = stateDir / "leds.lock";
    StateLock lock(fd->release());
    // O_NONBLOCK of the open does not make flock non-blocking: this waits for another holder.
    while (::flock(lock.fd(), LOCK_EX) != 0)
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
