// SPDX-License-Identifier: LGPL-2.1-or-later
#include "daemon/peer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <grp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/strutil.hpp"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59  // Linux 4.13, asm-generic/socket.h
#endif

namespace raidmon::agent {

bool PeerCredentials::inGroup(gid_t g) const { return gid == g || std::find(groups.begin(), groups.end(), g) != groups.end(); }

std::string PeerCredentials::describe() const {
    return "uid " + std::to_string(uid) + " gid " + std::to_string(gid) + " pid " + std::to_string(pid);
}

Result<PeerCredentials> peerCredentials(int fd) {
    ucred uc{};
    socklen_t len = sizeof uc;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 || len != sizeof uc)
        return fail(errc::io_error, std::string("SO_PEERCRED: ") + std::strerror(errno));
    PeerCredentials p;
    p.pid = uc.pid;
    p.uid = uc.uid;
    p.gid = uc.gid;
    // SO_PEERGROUPS answers ERANGE with the size it needs when the buffer is too small.
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 4; ++attempt) {
        socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
            groups.resize(glen / sizeof(gid_t));
            p.groups = std::move(groups);
            return p;
        }
        if (errno != ERANGE) break;
        groups.resize(glen / sizeof(gid_t) + 1);
    }
    // A kernel before 4.13: the primary group only. That can refuse a member whose group is
    // supplementary, never admit a stranger.
    return p;
}

Access accessOf(const AccessPolicy& policy, const PeerCredentials& peer) noexcept {
    if (peer.uid == 0 || peer.uid == policy.self) return Access::change;
    if (policy.controlGroup && peer.inGroup(*policy.controlGroup)) return Access::change;
    return policy.everyoneReads ? Access::read : Access::none;
}

Result<gid_t> groupId(const std::string& nameOrNumber) {
    if (auto n = detail::parseInt<gid_t>(nameOrNumber)) return *n;
    group gr{};
    group* found = nullptr;
    std::vector<char> buf(16384);
    int rc;
    while ((rc = ::getgrnam_r(nameOrNumber.c_str(), &gr, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < (1u << 22))
        buf.resize(buf.size() * 2);
    if (rc != 0 || !found) return fail(errc::not_found, "no group " + detail::quoteForError(nameOrNumber) + " on this host");
    return found->gr_gid;
}

} // namespace raidmon::agent
