// SPDX-License-Identifier: LGPL-2.1-or-later
// Untrusted text shown to people (raidmon/text.hpp): escape sequences a drive or a tool put into a
// serial or a message never reach a terminal, a work order or an SVG as commands.
#define BOOST_TEST_MODULE text
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <raidmon/hotswap.hpp>
#include <raidmon/text.hpp>

using namespace raidmon;
namespace bdata = boost::unit_test::data;

namespace {

struct Case {
    const char* in;
    const char* out;
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << terminalSafe(c.in, false); }

const Case cases[] = {
    {"Z1Z3A00CK0000", "Z1Z3A00CK0000"},
    {"ST4000NM0033-9ZM170", "ST4000NM0033-9ZM170"},
    {"WD-\x1b[31mRED\x1b[0m", "WD-RED"},                            // SGR colours
    {"A\x1b[2J\x1b[HB", "AB"},                                       // clear screen, cursor home
    {"A\x1b[?1049hB", "AB"},                                         // private mode (alternate screen)
    {"A\x1b]0;owned\x07" "B", "AB"},                                 // OSC window title, BEL-terminated
    {"A\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\B", "AlinkB"},    // OSC 8 hyperlink, ST-terminated
    {"A\x1bPq#0;2;0;0;0\x1b\\B", "AB"},                              // DCS (sixel)
    {"A\x1b(0B", "AB"},                                              // charset designation: ESC ( 0, then B
    {"A\x1b" "cB", "AB"},                                            // RIS (full reset)
    {"A\xc2\x9b" "2JB", "AB"},                                       // C1 CSI in UTF-8
    {"A\xc2\x9d" "0;t\x07" "B", "AB"},                               // C1 OSC
    {"A\xc2\x85" "B", "AB"},                                         // C1 NEL
    {"serial\rFAKE", "serialFAKE"},                                  // CR cannot overwrite
    {"a\x08\x08" "b", "a??b"},                                       // backspaces are shown, not obeyed
    {"a\x7f" "b", "a?b"},
    {"line1\nline2\tx", "line1 line2 x"},                           // one-line output
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe"},  // UTF-8 passes
    {"a\xff" "b", "a?b"},                                           // not UTF-8
    {"a\xc0\xaf" "b", "a??b"},                                       // overlong '/'
    {"a\xed\xa0\x80" "b", "a?b"},                                    // a surrogate
    {"a\xe2\x82", "a?"},                                             // cut short at the end
    {"abc\xe2\x80\xae" "fdp.exe", "abcfdp.exe"},                     // RIGHT-TO-LEFT OVERRIDE
    {"x\xe2\x81\xa6y\xe2\x81\xa9", "xy"},                            // isolates
    {"A\x1b", "A"},                                                  // a lone ESC at the end
    {"A\x1b[31", "A"},                                               // an unfinished CSI
};

} // namespace

BOOST_DATA_TEST_CASE(escape_sequences_and_controls_are_removed, bdata::make(cases), c) {
    BOOST_TEST(terminalSafe(c.in, false) == std::string(c.out));
}

BOOST_AUTO_TEST_CASE(newlines_stay_when_asked_and_chunks_split_anywhere) {
    BOOST_TEST(terminalSafe("a\nb\tc\r\n", true) == "a\nb\tc\n");
    // The same text fed one byte at a time: sequences split across chunks are still removed.
    const std::string in = "Bay 3\x1b[1;31m FAILED\x1b[0m caf\xc3\xa9\x1b]0;x\x07 done\xc2\x9b" "5m!\n";
    TerminalFilter f(true);
    std::string out;
    for (char c : in) out += f.feed(std::string_view(&c, 1));
    out += f.finish();
    BOOST_TEST(out == terminalSafe(in, true));
    BOOST_TEST(out == "Bay 3 FAILED caf\xc3\xa9 done!\n");
    // An OSC that never ends does not swallow what follows its line.
    BOOST_TEST(terminalSafe("a\x1b]0;never ends\nnext line", true) == "a\nnext line");
}

BOOST_AUTO_TEST_CASE(work_orders_carry_no_escape_sequence_and_svg_is_xml) {
    // A drive whose serial and model carry terminal commands and XML, and bytes that are not UTF-8.
    Incident inc;
    inc.id = "0123456789abcdef";
    inc.drive.id = "evil";
    inc.drive.serial = "S3R\x1b[2J\x1b]0;pwned\x07IAL";
    inc.drive.model = "<script>\xff\xfe</script>&\xc2\x9b" "31m";
    inc.slotLabel = "Bay \"3\" \x1b[5m";
    inc.enclosure = "enc'1";
    Inventory inv;
    inv.host.hostname = "stor\x1b[8m-1";
    const WorkOrder wo = makeWorkOrder(inc, inv);
    const std::string text = toText(wo);
    BOOST_TEST(text.find('\x1b') == std::string::npos);
    BOOST_TEST(text.find("\xc2\x9b") == std::string::npos);
    BOOST_TEST(text.find("S3RIAL") != std::string::npos, text);
    BOOST_TEST(text.find("stor-1") != std::string::npos);
    const std::string svg = toSvg(wo, inv);
    BOOST_TEST(svg.find('\x1b') == std::string::npos);
    BOOST_TEST(svg.find("\xff") == std::string::npos);
    BOOST_TEST(svg.find("<script>") == std::string::npos);
    BOOST_TEST(svg.find("&lt;script&gt;") != std::string::npos, svg);
    BOOST_TEST(svg.find("S3RIAL") != std::string::npos);
    for (unsigned char c : svg) BOOST_TEST((c >= 0x20 || c == '\n' || c == '\t'), "control byte in the SVG");
}
