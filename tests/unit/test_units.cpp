// SPDX-License-Identifier: LGPL-2.1-or-later
#define BOOST_TEST_MODULE units
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

#include <raidmon/units.hpp>

namespace bdata = boost::unit_test::data;
using namespace raidmon;

namespace {
struct Good {
    const char* text;
    double value;
};
std::ostream& operator<<(std::ostream& os, const Good& g) { return os << g.text; }

const Good kSizes[] = {{"3TB", 3e12}, {"2.5 TiB", 2.5 * 1099511627776.0}, {"512B", 512}, {"1e3GB", 1e12},
                       {"4kB", 4000}, {"4KB", 4000}, {"16MiB", 16777216}, {"0B", 0}};
const Good kRates[] = {{"150MB/s", 150e6}, {"200000KiB/s", 204.8e6}, {"1GB/sec", 1e9}};
const Good kDurations[] = {{"4h", 4}, {"90m", 1.5}, {"3600s", 1}, {"2d", 48}, {"3y", 26280}, {"302016h", 302016}};
const Good kProbabilities[] = {{"1.5%", 0.015}, {"0.015", 0.015}, {"100%", 1}, {"0", 0}};
} // namespace

BOOST_DATA_TEST_CASE(sizes, bdata::make(kSizes), g) { BOOST_TEST(*parseSize(g.text) == g.value); }
BOOST_DATA_TEST_CASE(rates, bdata::make(kRates), g) { BOOST_TEST(*parseRate(g.text) == g.value); }
BOOST_DATA_TEST_CASE(durations, bdata::make(kDurations), g) {
    BOOST_TEST(*parseDurationHours(g.text) == g.value, boost::test_tools::tolerance(1e-12));
}
BOOST_DATA_TEST_CASE(probabilities, bdata::make(kProbabilities), g) { BOOST_TEST(*parseProbability(g.text) == g.value); }

BOOST_AUTO_TEST_CASE(rejects_with_a_reason) {
    auto msg = [](const Result<double>& r) { return r ? std::string("accepted") : r.error().message; };
    BOOST_TEST(msg(parseSize("3")).find("missing unit") != std::string::npos);
    BOOST_TEST(msg(parseSize("-3TB")).find("negative") != std::string::npos);
    BOOST_TEST(msg(parseSize("3tb")).find("unknown size unit") != std::string::npos);
    BOOST_TEST(msg(parseSize("TB")).find("not a size") != std::string::npos);
    BOOST_TEST(msg(parseRate("150MB")).find("not a rate") != std::string::npos);
    BOOST_TEST(msg(parseRate("0MB/s")).find("greater than zero") != std::string::npos);
    BOOST_TEST(msg(parseDurationHours("4")).find("missing unit") != std::string::npos);
    BOOST_TEST(msg(parseDurationHours("4w")).find("unknown duration unit") != std::string::npos);
    BOOST_TEST(msg(parseDurationHours("-1h")).find("negative") != std::string::npos);
    BOOST_TEST(msg(parseProbability("150%")).find("between 0 and 1") != std::string::npos);
    BOOST_TEST(msg(parsePositive("0")).find("greater than zero") != std::string::npos);
    BOOST_TEST(msg(parsePositive("1e-14x")).find("not a number") != std::string::npos);
    BOOST_TEST(*parsePositive("1e-14") == 1e-14);
    BOOST_TEST(!parseSize("nanTB"));
    BOOST_TEST(!parseSize("1e999TB"));
}
