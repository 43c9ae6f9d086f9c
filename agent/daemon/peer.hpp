// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Who is at the other end of a local (unix) socket, and what they may ask. The kernel tells
// (SO_PEERCRED: the peer's uid, gid and pid when it connected; SO_PEERGROUPS: its supplementary
// groups), so nothing the client sends can change the answer. The control socket uses it for every
// request; the signed commands of the panel will use the same check for their local path.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <raidmon/error.hpp>

namespace raidmon::agent {

/// The credentials of a unix-socket peer as the kernel recorded them at connect().
struct PeerCredentials {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  ///< supplementary groups (SO_PEERGROUPS)

    /// The primary or a supplementary group is `g`.
    [[nodiscard]] bool inGroup(gid_t g) const;
    /// "uid 65534 gid 65534 pid 4711", for logs and refusals.
    [[nodiscard]] std::string describe() const;
};

/// Read the peer's credentials of a connected unix socket.
/// Errors: io_error (not a unix socket, or the kernel lacks SO_PEERCRED), naming the option.
Result<PeerCredentials> peerCredentials(int fd);

/// What a peer may do on the control socket.
enum class Access {
    none,    ///< nothing: the connection is answered with an error and closed
    read,    ///< read-only requests: EVENTS, WATCH, HOTSWAP LIST, HOTSWAP WORKORDER
    change,  ///< everything, including what changes state or lights a bay (HOTSWAP OPEN, CONFIRM, CANCEL)
};

/// The control socket's rule (docs/agent.md, "Control socket"; docs/security.md).
struct AccessPolicy {
    uid_t self = 0;                      ///< the agent's own uid: always `change`
    std::optional<gid_t> controlGroup;   ///< [agent] control_group: its members may change state
    bool everyoneReads = false;          ///< control_socket_mode lets every local user connect: they may read
};

/// root and the agent's own user: change; a member of control_group: change; anyone else: read
/// when everyoneReads, else none.
Access accessOf(const AccessPolicy& policy, const PeerCredentials& peer) noexcept;

/// Look a group up by name (getgrnam_r) or number. Errors: not_found naming the group.
Result<gid_t> groupId(const std::string& nameOrNumber);

} // namespace raidmon::agent
