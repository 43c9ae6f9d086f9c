// SPDX-License-Identifier: LGPL-2.1-or-later
// md arrays read from the sysfs recording in tests/data/sysfs-md (prometheus/procfs fixtures).
// The recording stores the md/rdN symlinks as files holding the link target (its archive format
// has no symlinks); the test puts them back as symlinks, as the kernel has them.
#define BOOST_TEST_MODULE sysfs_md_replay
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <raidmon/inventory.hpp>

#include "print.hpp"
#include "sysfs_builder.hpp"
#include "testdata.hpp"

using namespace raidmon;
namespace fs = std::filesystem;

namespace {

struct Recording {
    test::SysfsBuilder b;
    std::vector<Array> arrays;
    std::vector<std::string> notes;
    Recording() {
        fs::path src = test::dataDir() / "sysfs-md" / "procfs-sys-block-md";
        for (const auto& md : fs::directory_iterator(src)) {
            std::string name = md.path().filename().string();
            std::string devpath = "virtual/block/" + name;
            b.device(devpath, "block", "MAJOR=9\nMINOR=0\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
            for (const auto& f : fs::recursive_directory_iterator(md.path() / "md")) {
                if (!f.is_regular_file()) continue;
                auto rel = f.path().lexically_relative(md.path()).string();
                std::string content = test::readData(f.path());
                std::string base = f.path().filename().string();
                if (base.rfind("rd", 0) == 0 && f.path().parent_path().filename() == "md")
                    b.link("sys/devices/" + devpath + "/" + rel, std::string(content.substr(0, content.find('\n'))));
                else
                    b.file("sys/devices/" + devpath + "/" + rel, content);
            }
            // dev-* directories without files (none here) still need to exist
        }
        Context ctx = makeRootContext(b.root());
        auto r = scanMdArrays(ctx, {}, notes);
        BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
        arrays = std::move(*r);
    }
    const Array& get(const std::string& name) {
        auto it = std::find_if(arrays.begin(), arrays.end(), [&](const Array& a) { return a.name == name; });
        BOOST_REQUIRE_MESSAGE(it != arrays.end(), name);
        return *it;
    }
    static const ArrayMember* member(const Array& a, const std::string& dev) {
        for (const auto& m : a.members)
            if (m.device == dev) return &m;
        return nullptr;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(all_arrays_found, Recording) {
    BOOST_TEST(arrays.size() == 8u);
    BOOST_TEST(arrays.front().name == "md0");
    BOOST_TEST(arrays.back().name == "md10");
}

BOOST_FIXTURE_TEST_CASE(clean_arrays_are_optimal, Recording) {
    for (const char* n : {"md0", "md1", "md4", "md10"}) {
        const Array& a = get(n);
        BOOST_TEST_CONTEXT(n) {
            BOOST_TEST(a.state == "optimal");
            BOOST_TEST(a.health == Health::OK);
        }
    }
    BOOST_TEST(get("md0").level.value() == "raid0");
    BOOST_TEST(get("md0").redundancyLeft.value() == 0);
    BOOST_TEST(get("md10").level.value() == "raid10");
    BOOST_TEST(get("md10").raidDisks.value() == 4);
    BOOST_TEST(get("md1").uuid.value() == "0fbf5f2c:add243c2:bd78a4be:3ab709ef");
    BOOST_TEST(get("md1").id == "md-0fbf5f2c:add243c2:bd78a4be:3ab709ef");
    BOOST_TEST(Recording::member(get("md1"), "sdj")->slot.value() == 1);  // from the rd1 link
}

BOOST_FIXTURE_TEST_CASE(raid5_with_faulty_member_and_spare, Recording) {
    const Array& a = get("md5");
    BOOST_TEST(a.level.value() == "raid5");
    BOOST_TEST(a.state == "degraded");
    BOOST_TEST(a.redundancyLeft.value() == 0);
    BOOST_TEST(a.health == Health::Critical);
    BOOST_TEST(a.activeDisks.value() == 2);
    BOOST_TEST(Recording::member(a, "sdp")->role == "faulty");
    BOOST_TEST(Recording::member(a, "sdaa")->role == "spare");
    BOOST_TEST(!Recording::member(a, "sdaa")->slot.has_value());
    BOOST_TEST(Recording::member(a, "sdn")->role == "active");
    BOOST_TEST(a.members.size() == 4u);  // the faulty member stands for its own hole
}

BOOST_FIXTURE_TEST_CASE(raid6_recovering_onto_a_spare, Recording) {
    const Array& a = get("md6");
    BOOST_TEST(a.state == "rebuilding");
    BOOST_TEST(a.health == Health::Warning);
    BOOST_TEST(a.redundancyLeft.value() == 1);
    BOOST_REQUIRE(a.operation.has_value());
    BOOST_TEST(a.operation->kind == "recovery");
    BOOST_TEST(a.operation->done.value() == 1569888u);
    BOOST_TEST(a.operation->total.value() == 2093056u);
    BOOST_TEST(a.operation->percent.value() == 100.0 * 1569888 / 2093056, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(Recording::member(a, "sdt")->role == "rebuilding");
    BOOST_TEST(Recording::member(a, "sdt")->slot.value() == 3);
}

BOOST_FIXTURE_TEST_CASE(container_and_reshape, Recording) {
    const Array& c = get("md7");
    BOOST_TEST(c.level.value() == "container");
    BOOST_TEST(c.health == Health::OK);
    const Array& r = get("md8");
    BOOST_TEST(r.raidDisks.value() == 11);  // "11 (10)": growing from 10 to 11
    BOOST_TEST(r.state == "reshaping");
    BOOST_TEST(r.operation->kind == "reshape");
    BOOST_TEST(r.members.size() == 2u);  // no phantom "missing" entries for members whose slot is unknown
}
