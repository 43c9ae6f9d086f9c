// SPDX-License-Identifier: LGPL-2.1-or-later
// Every hardware-RAID, mdadm and lsscsi capture in tests/data decodes, detected automatically,
// with the counts and states read from the captures by hand (see tests/data/PROVENANCE.tsv).
// MegaRAID (storcli, perccli, MegaCli) captures are checked field by field by their expectation
// files instead (tests/data/expected/storcli, expected/megacli).
#define BOOST_TEST_MODULE ctl_captures
#include <algorithm>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/decode.hpp>

#include "model_print.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace bdata = boost::unit_test::data;

namespace {

struct Expect {
    const char* path;
    const char* format;
    std::size_t controllers, arrays, drives;
    const char* firstArrayState;  // "" when the capture has no array
};

std::ostream& operator<<(std::ostream& os, const Expect& e) { return os << e.path; }

const Expect kAll[] = {
    // The provenance line says 34 drives; the capture lists 68 (ports 1I and 2I).
    {"sas-ircu/sas2ircu-display-sas2008-raid-volume.txt", "sas-ircu", 1, 1, 2, "optimal"},
    {"sas-ircu/sas3ircu-list.txt", "sas-ircu", 2, 0, 0, ""},
    {"mdadm/mdadm-detail-ddf-container-2vols.txt", "mdadm-detail", 0, 1, 0, "inactive"},
    {"mdadm/mdadm-detail-md125-raid1-v090-clean.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-md127-raid1-v090-clean.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid0.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-DEGRADED-removed.txt", "mdadm-detail", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-detail-raid1-FAULTY-member-writemostly-failfast.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-FAULTY-with-spare.txt", "mdadm-detail", 0, 1, 0, "rebuilding"},
    {"mdadm/mdadm-detail-raid1-FAULTY.txt", "mdadm-detail", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-detail-raid1-REBUILD-failfast.txt", "mdadm-detail", 0, 1, 0, "rebuilding"},
    {"mdadm/mdadm-detail-raid1-RESYNC.txt", "mdadm-detail", 0, 1, 0, "resyncing"},
    {"mdadm/mdadm-detail-raid1-spare.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid1-v11-6TB-bitmap-real-host.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-detail-raid5-homehost.txt", "mdadm-detail", 0, 1, 0, "optimal"},
    {"mdadm/mdadm-examine-raid1-faulty.txt", "mdadm-examine", 0, 1, 0, "degraded"},
    {"mdadm/mdadm-examine-raid1-replacing.txt", "mdadm-examine", 0, 1, 0, "rebuilding"},
    {"lsscsi/lsscsi-g-hp-p2000g3-enclosures.txt", "lsscsi", 0, 0, 4, ""},
    {"lsscsi/lsscsi-g-p410i-dvd-issue149.txt", "lsscsi", 1, 2, 0, "unknown"},
    {"lsscsi/lsscsi-g-p410i-with-prompt.txt", "lsscsi", 1, 1, 0, "unknown"},
    {"lsscsi/lsscsi-g-p420i-issue205.txt", "lsscsi", 1, 1, 0, "unknown"},
    {"lsscsi/proc-scsi-scsi-ibm-pioneer.txt", "proc-scsi", 0, 0, 1, ""},
};

Capture load(const char* path) {
    auto c = decode(test::readData(path));
    BOOST_TEST_REQUIRE(c.has_value(), path << ": " << (c ? "" : c.error().message));
    return *c;
}

const Drive* driveAt(const Capture& c, std::string_view enclosure, int slot) {
    for (const auto& d : c.drives)
        if (d.location.enclosure == enclosure && d.location.slot == slot) return &d;
    return nullptr;
}

} // namespace

BOOST_DATA_TEST_CASE(every_capture_decodes_with_its_counts, bdata::make(kAll), e) {
    Capture c = load(e.path);
    BOOST_TEST(c.format == e.format);
    BOOST_TEST(c.controllers.size() == e.controllers);
    BOOST_TEST(c.arrays.size() == e.arrays);
    BOOST_TEST(c.drives.size() == e.drives);
    if (!c.arrays.empty()) BOOST_TEST(c.arrays.front().state == e.firstArrayState);
    for (const auto& d : c.drives) BOOST_TEST(!d.id.empty());
    std::vector<std::string> ids;
    for (const auto& d : c.drives) ids.push_back(d.id);
    std::sort(ids.begin(), ids.end());
    BOOST_TEST((std::adjacent_find(ids.begin(), ids.end()) == ids.end()), "drive ids are unique");
}

}

BOOST_AUTO_TEST_CASE(sas_ircu_mdadm_lsscsi) {
    Capture ir = load("sas-ircu/sas2ircu-display-sas2008-raid-volume.txt");
    BOOST_TEST(ir.arrays.at(0).level.value() == "raid1");
    BOOST_TEST(ir.drives.at(0).serial.value() == "9XF3RK3W");
    BOOST_TEST(ir.controllers.at(0).pciAddress.value() == "0000:05:00.0");
    Capture rb = load("mdadm/mdadm-detail-raid1-REBUILD-failfast.txt");
    BOOST_TEST(rb.arrays.at(0).operation->percent.value() == 20.0);
    Capture rp = load("mdadm/mdadm-examine-raid1-replacing.txt");
    BOOST_TEST(rp.arrays.at(0).members.back().role == "replacement");
    Capture ls = load("lsscsi/lsscsi-g-p410i-dvd-issue149.txt");
    BOOST_TEST(ls.arrays.at(0).devnode.value() == "/dev/sda");
    BOOST_TEST(ls.controllers.at(0).kind == "smartarray");
}
