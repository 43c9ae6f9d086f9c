// SPDX-License-Identifier: LGPL-2.1-or-later
#define BOOST_TEST_MODULE strutil
#include <boost/test/unit_test.hpp>

#include "core/id_index.hpp"
#include "core/strutil.hpp"

using namespace raidmon::detail;

BOOST_AUTO_TEST_CASE(trim_strips_whitespace_and_nul_padding) {
    BOOST_TEST(trim("  SEAGATE \n") == "SEAGATE");
    BOOST_TEST(trim(std::string_view("ab\0\0", 4)) == "ab");
    BOOST_TEST(trim("") == "");
}

BOOST_AUTO_TEST_CASE(parse_int_rejects_garbage) {
    BOOST_TEST(parseInt<std::uint64_t>("7814037168\n").value() == 7814037168ULL);
    BOOST_TEST(!parseInt<std::uint64_t>("-1"));
    BOOST_TEST(!parseInt<std::uint64_t>("12abc"));
    BOOST_TEST(!parseInt<std::uint64_t>(""));
    BOOST_TEST(!parseInt<int>("99999999999"));
    BOOST_TEST(parseInt<std::uint64_t>("0x1f", 16).value() == 31u);
    BOOST_TEST(parseLeadingInt<std::uint64_t>("1024 / 2048").value() == 1024u);
    BOOST_TEST(!parseLeadingInt<std::uint64_t>("none"));
}

BOOST_AUTO_TEST_CASE(parse_double_only_finite) {
    BOOST_TEST(parseDouble("29.2").value() == 29.2);
    BOOST_TEST(!parseDouble("nan"));
    BOOST_TEST(!parseDouble("1e999"));
    BOOST_TEST(!parseDouble("1.5x"));
}

BOOST_AUTO_TEST_CASE(split_and_lines) {
    auto f = splitWs("  md0 : active  raid1 ");
    BOOST_TEST(f.size() == 4u);
    BOOST_TEST(f[3] == "raid1");
    auto l = lines("a\r\nb\nc");
    BOOST_TEST(l.size() == 3u);
    BOOST_TEST(l[0] == "a");
    BOOST_TEST(l[2] == "c");
    BOOST_TEST(split("a,,b", ',').size() == 3u);
}

BOOST_AUTO_TEST_CASE(hex_roundtrip_and_printable) {
    unsigned char b[] = {0x00, 0x80, 0xff};
    BOOST_TEST(hex(b, 3) == "0080ff");
    BOOST_TEST(unhex("0080ff").value().size() == 3u);
    BOOST_TEST(!unhex("0g"));
    BOOST_TEST(!unhex("abc"));
    BOOST_TEST(printable("a\x01" "b") == "a?b");
    BOOST_TEST(quoteForError(std::string(100, 'x'), 5) == "'xxxxx'...");
    BOOST_TEST(underscoreSpaces(" WDC  WD40 ") == "WDC_WD40");
    BOOST_TEST(humanBytes(4000787030016ULL) == "4.0 TB");
}

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/sysfs.hpp"

BOOST_AUTO_TEST_CASE(resolve_link_is_lexical_and_drops_a_trailing_slash) {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / ("raidmon-link-" + std::to_string(::getpid()));
    fs::create_directories(dir / "a" / "b");
    fs::create_symlink("../../x/0:2:0:0/", dir / "a" / "b" / "dev");
    fs::create_symlink("../dangling", dir / "a" / "gone");
    auto r = resolveLink(dir / "a" / "b" / "dev");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->string() == (dir / "x" / "0:2:0:0").string());
    BOOST_TEST(r->filename().string() == "0:2:0:0");
    BOOST_TEST(resolveLink(dir / "a" / "gone")->string() == (dir / "dangling").string());  // need not exist
    BOOST_TEST(!resolveLink(dir / "a").has_value());  // not a link
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(attributes_are_read_whole_past_a_page_and_errors_name_the_path) {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / ("raidmon-attr-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // A VPD page larger than the read buffer: kernfs hands a binary attribute out a page at a
    // time, so a full buffer is not the end.
    std::string page(4096 * 2 + 17, '\0');
    for (std::size_t i = 0; i < page.size(); ++i) page[i] = static_cast<char>(i * 131 % 251);
    std::ofstream(dir / "vpd_pg83", std::ios::binary).write(page.data(), static_cast<std::streamsize>(page.size()));
    std::string exact(4096, 'x');  // exactly one buffer: the read that returns 0 ends it
    std::ofstream(dir / "exact", std::ios::binary) << exact;
    std::ofstream(dir / "model") << "HUH721212AL5200 \n";
    std::ofstream(dir / "blank") << "  \n";
    BOOST_TEST(binaryAttr(dir, "vpd_pg83").value() == page);
    BOOST_TEST(binaryAttr(dir, "exact").value() == exact);
    BOOST_TEST(attr(dir, "model").value() == "HUH721212AL5200");
    BOOST_TEST(!attr(dir, "blank").has_value());  // empty after trimming: unknown, not ""
    BOOST_TEST(!attr(dir, "absent").has_value());
    BOOST_TEST(!binaryAttr(dir, "absent").has_value());
    auto missing = readAttr(dir, "absent");
    BOOST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().is(raidmon::errc::not_found));  // the directory is there: no such attribute
    BOOST_TEST(missing.error().message.find((dir / "absent").string()) != std::string::npos);
    auto gone = readAttr(dir / "gone", "size");
    BOOST_REQUIRE(!gone.has_value());
    BOOST_TEST(gone.error().is(raidmon::errc::device_gone));  // the device's directory is gone too
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(partitions_of_a_disk_are_its_named_subdirectories_with_a_partition_attribute) {
    namespace fs = std::filesystem;
    auto root = fs::temp_directory_path() / ("raidmon-parts-" + std::to_string(::getpid()));
    auto disk = root / "nvme0n1";
    for (const char* d : {"nvme0n1p1", "nvme0n1p2", "queue", "holders", "nvme0n1-not-a-partition", "mq"})
        fs::create_directories(disk / d);
    std::ofstream(disk / "nvme0n1p1" / "partition") << "1\n";
    std::ofstream(disk / "nvme0n1p2" / "partition") << "2\n";
    std::ofstream(disk / "size") << "1000\n";
    std::ofstream(disk / "queue" / "partition") << "3\n";  // not named after the disk: not one
    BOOST_TEST(partitionsOf(disk) == (std::vector<std::string>{"nvme0n1p1", "nvme0n1p2"}), boost::test_tools::per_element());
    BOOST_TEST(partitionsOf(root / "sdzz").empty());  // a disk gone meanwhile: none, no error
    fs::remove_all(root);
}

// IdIndex (core/id_index.hpp): the flat by-id table the diff, the join and the hot-swap engine use.
namespace {
struct Entity {
    std::string id;
    int n = 0;
};
} // namespace

BOOST_AUTO_TEST_CASE(id_index_finds_every_entity_and_keeps_the_first_of_an_id) {
    std::vector<Entity> v;
    for (int i = 0; i < 3000; ++i) v.push_back({"naa.5000c500" + std::to_string(i * 7919), i});
    v.push_back({"naa.5000c500" + std::to_string(7 * 7919), -1});  // a second drive with entity 7's id
    const IdIndex<const Entity> idx(v);
    BOOST_TEST(idx.size() == 3000u);
    for (int i = 0; i < 3000; ++i) {
        const Entity* e = idx.find(v[static_cast<std::size_t>(i)].id);
        BOOST_REQUIRE(e);
        BOOST_TEST(e->n == i);
    }
    BOOST_TEST(idx.find("naa.5000c500" + std::to_string(7 * 7919))->n == 7);
    BOOST_TEST(!idx.contains("naa.5000c5001"));
    BOOST_TEST(!idx.contains(""));
    BOOST_TEST(!IdIndex<const Entity>().contains("x"));  // empty: nothing, no crash
}

BOOST_AUTO_TEST_CASE(id_index_insert_grows_and_answers_the_existing_entry) {
    std::vector<Entity> v{{"a", 1}, {"b", 2}, {"a", 3}, {"", 4}};
    IdIndex<Entity> idx;
    BOOST_TEST(idx.insert(v[0]) == &v[0]);
    BOOST_TEST(idx.insert(v[1]) == &v[1]);
    BOOST_TEST(idx.insert(v[2]) == &v[0]);  // "a" is there: the first stays
    BOOST_TEST(idx.insert(v[3]) == &v[3]);  // an empty id is an id like any other
    BOOST_TEST(idx.size() == 3u);
    std::vector<Entity> many(100);
    for (std::size_t i = 0; i < many.size(); ++i) many[i].id = "d" + std::to_string(i);
    for (auto& e : many) idx.insert(e);  // grows from 16 slots past 128 while holding v's entries
    BOOST_TEST(idx.size() == 103u);
    BOOST_TEST(idx.find("a") == &v[0]);
    BOOST_TEST(idx.find("d99") == &many[99]);
    BOOST_TEST(idx.find("") == &v[3]);
}
