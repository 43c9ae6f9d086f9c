// SPDX-License-Identifier: LGPL-2.1-or-later
// The rebuild model of REBUILD-MODEL.md. Notation: T the window (hours from now), D the replacement
// delay (the read runs from D to T), Lambda_i(t) a member's cumulative hazard over [0, t] from its
// age, m_i its expected unreadable events while read, k_i its known-unreadable sectors.
#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include <raidmon/rebuild.hpp>

#include "rebuild/layout.hpp"

namespace raidmon {

namespace {

constexpr double kHoursPerYear = 8760;  // AFR and "y" use the 365-day year
constexpr double kBitsPerByte = 8;
constexpr double kBytesPerKiB = 1024;

// Bairavasundaram et al., "An Analysis of Latent Sector Errors in Disk Drives", SIGMETRICS'07:
// share of drives that developed at least one latent sector error in their first 12 months.
constexpr double kLseFirstYearNearline = 0.0315;
constexpr double kLseFirstYearEnterprise = 0.0146;
// Datasheets quote 1 URE per 1e14 bits for desktop/nearline drives and 1e15 or better for
// enterprise drives (REBUILD-MODEL.md); the calibrated model uses the rate only to pick the class.
constexpr double kEnterpriseUreRate = 1e-15;

// 6-point Gauss-Legendre on [-1, 1] (Abramowitz & Stegun, table 25.4): exact for polynomials of
// degree 11; the integrands here are smooth in time except for known-sector factors (handled by
// panels) and the t^(beta-1) density of a brand-new drive with beta < 1 (handled by substitution).
constexpr std::array<double, 6> kGlNode{-0.9324695142031521, -0.6612093864662645, -0.2386191860831969,
                                        0.2386191860831969,  0.6612093864662645,  0.9324695142031521};
constexpr std::array<double, 6> kGlWeight{0.1713244923791704, 0.3607615730481386, 0.4679139345726910,
                                          0.4679139345726910, 0.3607615730481386, 0.1713244923791704};
// (1 - psi(1-x))^k is a polynomial of degree k in x: one 6-point panel per this many sectors keeps
// the rule exact up to the degree it integrates exactly.
constexpr double kSectorsPerPanel = 11;
constexpr int kMaxPanels = 16;

struct Member {
    int slot = 0;
    double beta = 1, eta = 1, mult = 1, age = 0, w0 = 0;
    double lambdaT = 0, survT = 1, failT = 0;  // Lambda(T), exp(-Lambda(T)), 1 - exp(-Lambda(T))
    double muExp = 0, psiExp = 0;      // exposed reads: Poisson mean and share holding known sectors
    double muRead = 0, psiRead = 0;    // normal reads
    double known = 0;                  // known-unreadable sectors
    double noUreAll = 1;               // exp(-muExp)
    double noUreReadP = 1;             // noUreRead(), cached
    std::array<double, 7> binom{};     // C(beta, 1..7), for growth()
};

// Below this u the binomial series for (1+u)^beta - 1 is used: seven terms leave a relative error
// below |C(beta,8)/beta| u^7 < 1e-12 for the shapes seen in practice (beta < 10), and it avoids a
// pow/expm1 per member and quadrature node (a rebuild window is hours, a drive's age years).
constexpr double kSeriesLimit = 0.01;

constexpr std::array<double, 7> kInverse{1.0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6, 1.0 / 7};

void prepareSeries(Member& m) {
    double c = 1;
    for (std::size_t i = 0; i < m.binom.size(); ++i) {
        c *= (m.beta - static_cast<double>(i)) * kInverse[i];
        m.binom[i] = c;
    }
}

// Window hazards are small (a few percent at most in practice); for |L| below this, exp(-L) and
// 1 - exp(-L) come from their Taylor series (seven terms: error below L^8/8! < 3e-21), which is
// much cheaper than the library call evaluated per member and quadrature node.
constexpr double kSmallHazard = 0.01;

/// exp(-L) for L >= 0.
double survival(double L) {
    if (L < kSmallHazard)
        return 1 + -L * (1 + -L * (0.5 + -L * (1.0 / 6 + -L * (1.0 / 24 + -L * (1.0 / 120 + -L * (1.0 / 720 + -L / 5040))))));
    return std::exp(-L);
}

/// 1 - exp(-L) for L >= 0, accurate for small L.
double failure(double L) {
    if (L < kSmallHazard)
        return L * (1 - L * (0.5 - L * (1.0 / 6 - L * (1.0 / 24 - L * (1.0 / 120 - L * (1.0 / 720 - L / 5040))))));
    return -std::expm1(-L);
}

/// (1+u)^beta - 1 = sum over i >= 1 of C(beta, i) u^i, accurate for small u.
double growth(const Member& m, double u) {
    if (u < kSeriesLimit) {
        double sum = 0;
        for (std::size_t i = m.binom.size(); i-- > 0;) sum = (sum + m.binom[i]) * u;  // Horner
        return sum;
    }
    return std::expm1(m.beta * std::log1p(u));
}

double cumulativeHazard(const Member& m, double t) {
    if (t <= 0) return 0;
    if (m.age > 0) return m.mult * m.w0 * growth(m, t / m.age);
    return m.mult * std::pow(t / m.eta, m.beta);
}

// P(no unreadable event on member m in the part of its read after progress x).
double noUreAfter(const Member& m, double x) {
    double p = std::exp(-m.muExp * (1 - x));
    if (m.known > 0) p *= std::pow(1 - m.psiExp * (1 - x), m.known);
    return p;
}

double noUreRead(const Member& m) {
    double p = std::exp(-m.muRead);
    if (m.known > 0) p *= std::pow(1 - m.psiRead, m.known);
    return p;
}

/// P(at least `atLeast` of independent events with probabilities p happen): the Poisson-binomial
/// tail by the O(n*k) recurrence over members (Ma et al., RAIDShield, FAST'15 use the same idea).
double poissonBinomialTail(const std::vector<Member>& ms, int atLeast, std::vector<double>& dp) {
    const auto K = static_cast<std::size_t>(atLeast);
    dp.assign(K + 1, 0.0);  // dp[j] = P(exactly j so far), dp[K] = P(at least K)
    dp[0] = 1;
    for (const auto& m : ms) {
        const double p = m.failT;
        dp[K] += dp[K - 1] * p;
        for (std::size_t j = K - 1; j > 0; --j) dp[j] = dp[j] * (1 - p) + dp[j - 1] * p;
        dp[0] *= 1 - p;
    }
    return dp[K];
}

/// Scratch space reused across nodes.
struct Work {
    std::vector<double> F, weight, surv, noUre, pa, pb, qa, qb, dp, noUreAtNode;
};

/// Adds sum_i weight_i * ([z^{r-1}] prod_{j!=i} (F_j z + S_j) - [z^{r-1}] prod_{j!=i} (F_j z + S_j g_j))
/// i.e. for member i failing at this node as the r-th extra failure, the probability that exactly
/// r-1 others failed before, the rest survive the window, and one of the survivors hits an
/// unreadable sector in what is left to read.
double raceTerm(const std::vector<Member>& ms, int r, Work& w) {
    const std::size_t s = ms.size(), R = static_cast<std::size_t>(r);
    if (R == 1) {  // degree 0: plain leave-one-out products, prefix stored, suffix on the way back
        w.pa.resize(s);
        w.pb.resize(s);
        double a = 1, b = 1;
        for (std::size_t j = 0; j < s; ++j) {
            w.pa[j] = a;
            w.pb[j] = b;
            a *= w.surv[j];
            b *= w.surv[j] * w.noUre[j];
        }
        double sum = 0, qa = 1, qb = 1;
        for (std::size_t j = s; j-- > 0;) {
            sum += w.weight[j] * (w.pa[j] * qa - w.pb[j] * qb);
            qa *= w.surv[j];
            qb *= w.surv[j] * w.noUre[j];
        }
        return sum;
    }
    auto at = [R](std::vector<double>& v, std::size_t row, std::size_t d) -> double& { return v[row * R + d]; };
    // Rows 1..s of the prefix (0..s-1 of the suffix) are fully overwritten below; only the
    // boundary rows need initialising.
    for (auto* v : {&w.pa, &w.pb, &w.qa, &w.qb}) v->resize((s + 1) * R);
    for (std::size_t d = 0; d < R; ++d) {
        at(w.pa, 0, d) = at(w.pb, 0, d) = at(w.qa, s, d) = at(w.qb, s, d) = d == 0 ? 1 : 0;
    }
    for (std::size_t j = 0; j < s; ++j) {  // prefix products, truncated to degree r-1
        const double F = w.F[j], Sa = w.surv[j], Sb = w.surv[j] * w.noUre[j];
        for (std::size_t d = 0; d < R; ++d) {
            const double lowA = d ? at(w.pa, j, d - 1) : 0, lowB = d ? at(w.pb, j, d - 1) : 0;
            at(w.pa, j + 1, d) = at(w.pa, j, d) * Sa + lowA * F;
            at(w.pb, j + 1, d) = at(w.pb, j, d) * Sb + lowB * F;
        }
    }
    for (std::size_t j = s; j-- > 0;) {  // suffix products
        const double F = w.F[j], Sa = w.surv[j], Sb = w.surv[j] * w.noUre[j];
        for (std::size_t d = 0; d < R; ++d) {
            const double lowA = d ? at(w.qa, j + 1, d - 1) : 0, lowB = d ? at(w.qb, j + 1, d - 1) : 0;
            at(w.qa, j, d) = at(w.qa, j + 1, d) * Sa + lowA * F;
            at(w.qb, j, d) = at(w.qb, j + 1, d) * Sb + lowB * F;
        }
    }
    double sum = 0;
    for (std::size_t i = 0; i < s; ++i) {
        double a = 0, b = 0;
        for (std::size_t d = 0; d < R; ++d) {
            a += at(w.pa, i, d) * at(w.qa, i + 1, R - 1 - d);
            b += at(w.pb, i, d) * at(w.qb, i + 1, R - 1 - d);
        }
        sum += w.weight[i] * (a - b);
    }
    return sum;
}

/// P(the group survives the window but some stripe is read with no redundancy left and is
/// unreadable), for a group with r >= 1 failures to spare: the two-stage race integrated over the
/// time of the r-th extra failure.
double exposedSectorLoss(const std::vector<Member>& ms, int r, double D, double T, Work& w) {
    const std::size_t s = ms.size();
    w.F.resize(s);
    w.weight.resize(s);
    w.surv.resize(s);
    w.noUre.resize(s);
    for (std::size_t j = 0; j < s; ++j) w.surv[j] = ms[j].survT;
    double total = 0;

    auto integrate = [&](double lo, double hi, bool reading, int panels) {
        bool singular = false;  // t^(beta-1) density at the start for a new drive with beta < 1
        for (const auto& m : ms) singular |= (m.age + lo <= 0 && m.beta < 1);
        const double width = (hi - lo) / panels;
        // One plain panel over the read: the nodes are symmetric (x and 1-x), so
        // exp(-mu x) = exp(-mu) / exp(-mu (1-x)) halves the exponentials of the no-URE factors.
        const bool symmetric = reading && panels == 1 && !singular;
        constexpr std::size_t Q = kGlNode.size();
        if (symmetric) {
            w.noUreAtNode.resize(s * Q);
            for (std::size_t j = 0; j < s; ++j) {
                const Member& m = ms[j];
                for (std::size_t q = 0; q < Q / 2; ++q) {
                    const double x = 0.5 * (kGlNode[q] + 1);
                    if (m.known > 0) {
                        w.noUreAtNode[j * Q + q] = noUreAfter(m, x);
                        w.noUreAtNode[j * Q + Q - 1 - q] = noUreAfter(m, 1 - x);
                    } else {
                        const double lowHalf = std::exp(-m.muExp * (1 - x));
                        w.noUreAtNode[j * Q + q] = lowHalf;
                        w.noUreAtNode[j * Q + Q - 1 - q] = m.noUreAll / lowHalf;
                    }
                }
            }
        }
        for (int p = 0; p < panels; ++p) {
            const double a = lo + p * width;
            for (std::size_t q = 0; q < kGlNode.size(); ++q) {
                const double v = 0.5 * (kGlNode[q] + 1);  // in (0, 1)
                double tau, dtau;
                if (singular && p == 0) {  // tau = a + width v^2 removes the singularity
                    tau = a + width * v * v;
                    dtau = 0.5 * kGlWeight[q] * width * 2 * v;
                } else {
                    tau = a + width * v;
                    dtau = 0.5 * kGlWeight[q] * width;
                }
                const double x = reading ? (tau - D) / (T - D) : 0;
                for (std::size_t j = 0; j < s; ++j) {
                    const Member& m = ms[j];
                    const double u = m.age + tau;
                    double wv, L;
                    if (m.age > 0) {
                        const double g = growth(m, tau / m.age);
                        wv = m.w0 * (1 + g);
                        L = m.mult * m.w0 * g;
                    } else {
                        wv = std::pow(u / m.eta, m.beta);
                        L = m.mult * wv;
                    }
                    const double e = survival(L);
                    w.F[j] = 1 - e;
                    w.weight[j] = dtau * m.mult * m.beta * wv / u * e;
                    w.noUre[j] = symmetric ? w.noUreAtNode[j * Q + q] : noUreAfter(m, x);
                }
                total += raceTerm(ms, r, w);
            }
        }
    };

    if (D > 0) {
        if (r == 1) {
            // Before the read starts nothing depends on the failure time: weight_i = F_i(D).
            for (std::size_t j = 0; j < s; ++j) {
                w.F[j] = 0;  // unused at degree 0
                w.weight[j] = failure(cumulativeHazard(ms[j], D));
                w.noUre[j] = noUreAfter(ms[j], 0);
            }
            total += raceTerm(ms, r, w);
        } else {
            integrate(0, D, false, 1);
        }
    }
    double kMax = 0;
    for (const auto& m : ms) kMax = std::max(kMax, m.known);
    // Clamp in double before converting: a huge or NaN kMax must not reach an int cast (UB).
    const double wanted = 1.0 + kMax / kSectorsPerPanel;
    const int panels = std::isfinite(wanted) ? static_cast<int>(std::clamp(wanted, 1.0, static_cast<double>(kMaxPanels))) : kMaxPanels;
    integrate(D, T, true, panels);
    return std::clamp(total, 0.0, 1.0);
}

struct GroupOutcome {
    double loss = 0, sector = 0;
};

GroupOutcome evaluateGroup(const std::vector<Member>& ms, int r, double D, double T, SectorErrorPolicy policy,
                           Work& w) {
    GroupOutcome g;
    if (r == 0) {
        double sumL = 0, logNoUre = 0;
        for (const auto& m : ms) {
            sumL += m.lambdaT;
            logNoUre += std::log(noUreAfter(m, 0));
        }
        g.loss = -std::expm1(-sumL);
        g.sector = std::exp(-sumL) * -std::expm1(logNoUre);
    } else {
        g.loss = poissonBinomialTail(ms, r + 1, w.dp);
        g.sector = exposedSectorLoss(ms, r, D, T, w);
    }
    if (policy == SectorErrorPolicy::fail_member) {
        g.loss += g.sector;
        g.sector = 0;
    }
    return g;
}

// ---- formatting for reasons -------------------------------------------------------------------

std::string formatted(double v, std::chars_format fmt, int precision) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, fmt, precision);
    return std::string(buf, r.ptr);
}

std::string num(double v) { return formatted(v, std::chars_format::general, 3); }
std::string num4(double v) { return formatted(v, std::chars_format::general, 4); }
std::string fixed1(double v) { return formatted(v, std::chars_format::fixed, 1); }

std::string pct(double p) {
    if (p > 0 && p < 1e-4) return "<0.01 %";
    return num4(p * 100) + " %";
}

std::string bytes(double b) {
    static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int i = 0;
    while (b >= 1000 && i < 5) {
        b /= 1000;
        ++i;
    }
    return num(b) + " " + units[i];
}

std::string hours(double h) {
    if (!std::isfinite(h) || h < 0) return "unknown";
    if (h < 1) return std::to_string(static_cast<long>(std::lround(h * 60))) + " min";  // 0..60, exact
    if (h < 48) return fixed1(h) + " h";
    return fixed1(h / 24) + " days";
}

std::string nameList(const std::vector<Member>& ms, const RebuildInput& in, std::size_t max = 6) {
    std::string out;
    for (std::size_t i = 0; i < ms.size() && i < max; ++i) {
        if (i) out += ", ";
        out += in.members[static_cast<std::size_t>(ms[i].slot)].name;
    }
    if (ms.size() > max) out += " and " + std::to_string(ms.size() - max) + " more";
    return out;
}

std::string policyOutcome(SectorErrorPolicy p) {
    switch (p) {
    case SectorErrorPolicy::bad_block_log: return "it finishes, with the unreadable stripes recorded in md's bad-block log";
    case SectorErrorPolicy::puncture: return "it finishes, with the unreadable stripes punctured (marked bad on every member)";
    case SectorErrorPolicy::abort: return "the controller stops the rebuild at the first unreadable stripe and the array stays degraded";
    case SectorErrorPolicy::fail_member: return "md fails the member it cannot read, which takes the array offline";
    }
    return "";
}

// ---- validation -------------------------------------------------------------------------------

Result<void> checkHazard(const Hazard& h, const std::string& field) {
    if (!std::isfinite(h.shape) || h.shape <= 0)
        return fail(errc::invalid_argument, field + ".shape: must be a finite number > 0 (got " + num(h.shape) + ")");
    if (!std::isfinite(h.scaleHours) || h.scaleHours <= 0)
        return fail(errc::invalid_argument, field + ".scaleHours: must be a finite number > 0 (got " + num(h.scaleHours) + ")");
    return {};
}

Result<void> validate(const RebuildInput& in) {
    auto bad = [](const std::string& msg) { return fail(errc::invalid_argument, msg); };
    auto finiteNonNeg = [](double v) { return std::isfinite(v) && v >= 0; };
    if (in.members.size() != static_cast<std::size_t>(in.layout.members))
        return bad("members: " + std::to_string(in.members.size()) + " given but layout.members is " +
                   std::to_string(in.layout.members));
    if (!(in.ureRate > 0 && in.ureRate < 1)) return bad("ureRate: must be in (0, 1) per bit (got " + num(in.ureRate) + ")");
    if (!finiteNonNeg(in.sinceScrubHours)) return bad("sinceScrubHours: must be a finite number >= 0");
    if (!finiteNonNeg(in.replaceDelayHours)) return bad("replaceDelayHours: must be a finite number >= 0");
    if (in.windowHours && !(std::isfinite(*in.windowHours) && *in.windowHours > in.replaceDelayHours))
        return bad("windowHours: must be finite and longer than replaceDelayHours (" + num(in.replaceDelayHours) + " h)");
    if (!(in.rebuiltFraction >= 0 && in.rebuiltFraction < 1)) return bad("rebuiltFraction: must be in [0, 1)");
    if (auto ok = checkHazard(in.hazard, "hazard"); !ok) return ok;
    const auto& rate = in.rate;
    if (rate.deviceBytesPerSecond && !(std::isfinite(*rate.deviceBytesPerSecond) && *rate.deviceBytesPerSecond > 0))
        return bad("rate.deviceBytesPerSecond: must be a finite number > 0");
    if (rate.md && !(rate.md->minKiBs > 0 && rate.md->maxKiBs >= rate.md->minKiBs && std::isfinite(rate.md->maxKiBs)))
        return bad("rate.md: need 0 < minKiBs <= maxKiBs (got " + num(rate.md->minKiBs) + ", " + num(rate.md->maxKiBs) + ")");
    if (rate.controllerShare && !(*rate.controllerShare > 0 && *rate.controllerShare <= 1))
        return bad("rate.controllerShare: must be in (0, 1]");
    if (rate.md && rate.controllerShare) return bad("rate: md limits and controllerShare exclude each other");
    if (in.mttfHours && !(std::isfinite(*in.mttfHours) && *in.mttfHours > 0)) return bad("mttfHours: must be a finite number > 0");
    if (in.mttrHours && !(std::isfinite(*in.mttrHours) && *in.mttrHours > 0)) return bad("mttrHours: must be a finite number > 0");
    const auto& t = in.thresholds;
    if (!(t.backupArrayLoss > 0 && t.backupArrayLoss <= 1)) return bad("thresholds.backupArrayLoss: must be in (0, 1]");
    if (!(t.backupSectorLoss > 0 && t.backupSectorLoss <= 1)) return bad("thresholds.backupSectorLoss: must be in (0, 1]");
    if (!(t.riskyMultiplier >= 1 && std::isfinite(t.riskyMultiplier))) return bad("thresholds.riskyMultiplier: must be >= 1");
    for (std::size_t i = 0; i < in.members.size(); ++i) {
        const auto& m = in.members[i];
        struct Field {  // built only when a message needs it
            std::size_t i;
            std::string operator+(const char* name) const { return "members[" + std::to_string(i) + "]." + name; }
        } f{i};
        if (!(std::isfinite(m.capacityBytes) && m.capacityBytes > 0)) return bad(f + "capacityBytes: must be a finite number > 0 (got " + num(m.capacityBytes) + ")");
        if (!finiteNonNeg(m.ageHours)) return bad(f + "ageHours: must be a finite number >= 0 (got " + num(m.ageHours) + ")");
        if (!(std::isfinite(m.multiplier) && m.multiplier > 0)) return bad(f + "multiplier: must be a finite number > 0 (got " + num(m.multiplier) + ")");
        if (m.hazard && !(m.hazard->shape > 0 && m.hazard->scaleHours > 0 && std::isfinite(m.hazard->shape) &&
                          std::isfinite(m.hazard->scaleHours)))
            return checkHazard(*m.hazard, f + "hazard");
        if (m.ureRate && !(*m.ureRate > 0 && *m.ureRate < 1)) return bad(f + "ureRate: must be in (0, 1) per bit");
    }
    return {};
}

} // namespace

std::string_view toString(SectorErrorPolicy p) noexcept {
    switch (p) {
    case SectorErrorPolicy::bad_block_log: return "bad_block_log";
    case SectorErrorPolicy::puncture: return "puncture";
    case SectorErrorPolicy::abort: return "abort";
    case SectorErrorPolicy::fail_member: return "fail_member";
    }
    return "unknown";
}

Result<SectorErrorPolicy> parseSectorErrorPolicy(std::string_view text) {
    std::string s(text);
    std::replace(s.begin(), s.end(), '-', '_');
    for (auto p : {SectorErrorPolicy::bad_block_log, SectorErrorPolicy::puncture, SectorErrorPolicy::abort,
                   SectorErrorPolicy::fail_member})
        if (s == toString(p)) return p;
    return fail(errc::invalid_argument, "unknown policy '" + std::string(text) +
                                            "' (expected bad_block_log, puncture, abort or fail_member)");
}

std::string_view toString(Recommendation r) noexcept {
    switch (r) {
    case Recommendation::not_degraded: return "not_degraded";
    case Recommendation::rebuild_now: return "rebuild_now";
    case Recommendation::backup_first: return "backup_first";
    case Recommendation::replace_risky_member_first: return "replace_risky_member_first";
    case Recommendation::do_not_pull: return "do_not_pull";
    }
    return "unknown";
}

int exitCode(Recommendation r) noexcept {
    switch (r) {
    case Recommendation::not_degraded:
    case Recommendation::rebuild_now: return 0;
    case Recommendation::backup_first:
    case Recommendation::replace_risky_member_first: return 1;
    case Recommendation::do_not_pull: return 2;
    }
    return 3;
}

Result<Hazard> exponentialHazard(double mttfHours) {
    if (!(std::isfinite(mttfHours) && mttfHours > 0))
        return fail(errc::invalid_argument, "mttfHours: must be a finite number > 0");
    return Hazard{1.0, mttfHours};
}

Result<Hazard> hazardFromAfr(double afr) {
    if (!(afr > 0 && afr < 1)) return fail(errc::invalid_argument, "afr: must be strictly between 0 and 1");
    return Hazard{1.0, -kHoursPerYear / std::log1p(-afr)};
}

Result<RebuildResult> evaluateRebuild(const RebuildInput& in) {
    if (auto ok = validate(in); !ok) return tl::unexpected(ok.error());
    std::vector<bool> failed(in.members.size());
    for (std::size_t i = 0; i < in.members.size(); ++i) failed[i] = in.members[i].failed;
    auto plan = detail::criticalPlan(in.layout, failed);
    if (!plan) return tl::unexpected(plan.error());

    RebuildResult res;
    res.degraded = plan->degraded;
    res.remainingRedundancy = plan->minRedundancy;
    const std::string level(toString(in.layout.level));

    // Markov MTTDL for planning, independent of the current state.
    std::vector<Member> all(in.members.size());
    if (in.mttfHours && in.mttrHours) {
        auto sets = detail::protectionSets(in.layout);
        const auto& set = sets->front();
        const int n = static_cast<int>(set.slots.size()), k = set.tolerance;
        if (k > 0) {
            auto m = mttdlChain(n, k, *in.mttfHours, *in.mttrHours, 0);
            if (!m) return tl::unexpected(m.error());
            // Independent identical sets: the first loss among them comes sets.size() times sooner.
            res.mttdlHours = *m / static_cast<double>(sets->size());
        } else {
            res.mttdlHours = *in.mttfHours / in.layout.members;
        }
    }

    // Window.
    double maxFailedCapacity = 0;
    for (const auto& m : in.members)
        if (m.failed) maxFailedCapacity = std::max(maxFailedCapacity, m.capacityBytes);
    const double remaining = 1 - in.rebuiltFraction;
    const double D = in.replaceDelayHours;
    double T = D;
    std::string windowWhy;
    if (in.windowHours) {
        T = *in.windowHours;
        windowWhy = "The rebuild window is " + hours(T) + " (given).";
    } else if (plan->degraded) {
        const auto& r = in.rate;
        const MdSpeedLimits limits = r.md.value_or(MdSpeedLimits{});
        double dev = r.deviceBytesPerSecond.value_or(limits.maxKiBs * kBytesPerKiB);
        std::string how = r.deviceBytesPerSecond ? "" : " (drive throughput unknown: assumed md's speed_limit_max, which is optimistic)";
        double eff = dev;
        if (r.controllerShare) {
            eff = dev * *r.controllerShare;
            how += " with the controller giving the rebuild " + pct(*r.controllerShare) + " of it";
        } else if (r.md) {
            eff = std::clamp(dev, limits.minKiBs * kBytesPerKiB, limits.maxKiBs * kBytesPerKiB);
            if (eff != dev) how += " (clamped to md's speed limits)";
        }
        const double toWrite = maxFailedCapacity * remaining;
        T = D + toWrite / eff / 3600;
        windowWhy = "The rebuild window is " + hours(T) + ": " + bytes(toWrite) + " to rebuild at " + bytes(eff) + "/s" +
                    how + (D > 0 ? ", plus " + hours(D) + " until the replacement is in." : ".");
    }
    res.windowHours = plan->degraded ? T : 0;
    res.readHours = plan->degraded ? T - D : 0;

    // Per-member quantities.
    for (std::size_t i = 0; i < in.members.size(); ++i) {
        const auto& mi = in.members[i];
        Member& m = all[i];
        m.slot = static_cast<int>(i);
        const Hazard h = mi.hazard.value_or(in.hazard);
        m.beta = h.shape;
        m.eta = h.scaleHours;
        m.mult = mi.multiplier;
        m.age = mi.ageHours;
        m.w0 = std::pow(m.age / m.eta, m.beta);
        prepareSeries(m);
        m.lambdaT = cumulativeHazard(m, res.windowHours);
        m.survT = survival(m.lambdaT);
        m.failT = failure(m.lambdaT);
        m.known = static_cast<double>(mi.knownUnreadableSectors);
    }
    auto fullReadMean = [&](std::size_t i) {
        const double rate = in.members[i].ureRate.value_or(in.ureRate);
        if (in.ureModel == UreModel::spec) return -in.members[i].capacityBytes * kBitsPerByte * std::log1p(-rate);
        const double q = rate <= kEnterpriseUreRate ? kLseFirstYearEnterprise : kLseFirstYearNearline;
        return -std::log1p(-q) * in.sinceScrubHours / kHoursPerYear;
    };

    std::vector<std::vector<Member>> groups;
    std::vector<int> groupR;
    groups.reserve(plan->groups.size());
    groupR.reserve(plan->groups.size());
    std::vector<int> roleOf(in.members.size(), 0);  // 0 other, 1 failed, 2 critical
    for (std::size_t i = 0; i < in.members.size(); ++i)
        if (in.members[i].failed) roleOf[i] = 1;
    for (const auto& g : plan->groups) {
        std::vector<Member> ms;
        ms.reserve(g.members.size());
        for (const auto& cm : g.members) {
            const auto i = static_cast<std::size_t>(cm.slot);
            Member m = all[i];
            const double full = fullReadMean(i);
            m.muExp = full * cm.exposedFraction * remaining;
            m.noUreAll = std::exp(-m.muExp);
            m.psiExp = cm.exposedFraction * remaining;
            m.muRead = full * cm.readFraction * remaining;
            m.psiRead = cm.readFraction * remaining;
            m.noUreReadP = cm.readFraction == cm.exposedFraction && m.known == 0 ? m.noUreAll : noUreRead(m);
            all[i] = m;
            roleOf[i] = 2;
            ms.push_back(m);
        }
        groups.push_back(std::move(ms));
        groupR.push_back(g.redundancy);
    }

    // Probabilities.
    Work work;
    double pNoLoss = 1, pClean = 1, pNoSecond = 1, pNoUre = 1, riskTotal = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        auto o = evaluateGroup(groups[g], groupR[g], D, T, in.policy, work);
        pNoLoss *= 1 - o.loss;
        pClean *= 1 - o.loss - o.sector;
        for (const auto& m : groups[g]) {
            pNoSecond *= m.survT;
            pNoUre *= m.noUreReadP;
            riskTotal += m.lambdaT + m.muExp + m.known * m.psiExp;
        }
    }
    if (plan->dataLost) {
        pNoLoss = 0;
        pClean = 0;
    }
    res.pArrayLoss = std::clamp(1 - pNoLoss, 0.0, 1.0);
    res.pClean = std::clamp(pClean, 0.0, 1.0);
    res.pSectorLoss = std::clamp(pNoLoss - pClean, 0.0, 1.0);
    res.pSecondFailure = plan->degraded ? 1 - pNoSecond : 0;
    res.pUre = plan->degraded ? 1 - pNoUre : 0;

    // Members.
    const Member* riskiest = nullptr;
    double riskiestShare = 0;
    std::vector<Member> critical;
    critical.reserve(in.members.size());
    res.members.reserve(in.members.size());
    for (std::size_t i = 0; i < in.members.size(); ++i) {
        const auto& mi = in.members[i];
        const Member& m = all[i];
        MemberResult r;
        r.name = mi.name;
        r.role = roleOf[i] == 1 ? "failed" : roleOf[i] == 2 ? "critical" : "other";
        r.ageHours = mi.ageHours;
        r.multiplier = mi.multiplier;
        r.reasons = mi.reasons;
        if (roleOf[i] != 1) r.pFail = m.failT;
        if (roleOf[i] == 2) {
            r.readBytes = mi.capacityBytes * m.psiRead;
            r.expectedUres = m.muRead + m.known * m.psiRead;
            r.pUre = 1 - m.noUreReadP;
            r.riskShare = riskTotal > 0 ? (m.lambdaT + m.muExp + m.known * m.psiExp) / riskTotal : 0;
            critical.push_back(m);
            if (r.riskShare > riskiestShare) {
                riskiestShare = r.riskShare;
                riskiest = &all[i];
            }
        }
        res.members.push_back(std::move(r));
    }

    if (in.mttfHours && in.mttrHours && res.mttdlHours) {
        // h: P(URE) of a rebuild that has no redundancy left, reading every survivor of a set.
        auto sets = detail::protectionSets(in.layout);
        const auto& set = sets->front();
        if (set.tolerance > 0) {
            const double survivors = static_cast<double>(set.slots.size()) - set.tolerance;
            const double full = fullReadMean(static_cast<std::size_t>(set.slots.front()));
            const double reads = set.singleSource ? 1.0 : survivors;
            const double h = -std::expm1(-full * set.fraction * reads);
            auto m = mttdlChain(static_cast<int>(set.slots.size()), set.tolerance, *in.mttfHours, *in.mttrHours, h);
            if (m) {
                res.rebuildFailureH = h;
                res.mttdlWithUreHours = *m / static_cast<double>(sets->size());
            }
        }
    }

    // Recommendation and reasons.
    auto& why = res.reasons;
    const auto& t = in.thresholds;
    std::vector<std::string> failedNames;
    for (const auto& m : in.members)
        if (m.failed) failedNames.push_back(m.name);
    std::string failedList;
    for (const auto& n : failedNames) failedList += (failedList.empty() ? "" : ", ") + n;

    if (!plan->degraded) {
        res.recommendation = Recommendation::not_degraded;
        why.push_back("No member of the " + level + " is missing: there is nothing to rebuild.");
        return res;
    }
    if (plan->dataLost) {
        res.recommendation = Recommendation::do_not_pull;
        res.pArrayLoss = 1;
        res.pClean = 0;
        res.pSectorLoss = 0;
        why.push_back(std::string(in.hypothetical ? "Pulling " : "With ") + failedList + (in.hypothetical ? "" : " gone") +
                      ", the " + level + " loses more members than it can tolerate: " +
                      (in.hypothetical ? "that would lose the array's data." : "its data is lost or the array is offline."));
        why.push_back("Do not pull any member: the remaining ones are needed for any recovery (a forced "
                      "re-assembly or a professional recovery); restore from backup.");
        return res;
    }
    if (!windowWhy.empty()) why.push_back(windowWhy);
    const int rMin = plan->minRedundancy;
    std::string exposure = rMin == 0
                               ? "with no redundancy left, any of them failing or being unreadable loses data"
                               : "with " + std::to_string(rMin) + " level(s) of redundancy left, data is lost only if " +
                                     std::to_string(rMin + 1) + " of them fail, and an unreadable sector matters only after " +
                                     std::to_string(rMin) + " of them failed";
    why.push_back(std::to_string(critical.size()) + " member(s) must keep working during the rebuild (" +
                  nameList(critical, in) + "); " + exposure + ".");
    why.push_back("Chance of at least one unreadable sector while reading them: " + pct(res.pUre) +
                  (in.ureModel == UreModel::spec
                       ? " (datasheet rate, an upper bound; field data are usually far better: see --ure-model calibrated)."
                       : " (field rate of latent sector errors, Bairavasundaram et al. 2007)."));
    why.push_back("Chance that another of them fails within the window: " + pct(res.pSecondFailure) + ".");
    why.push_back("Chance of losing the array: " + pct(res.pArrayLoss) + "; of surviving with unreadable stripes: " +
                  pct(res.pSectorLoss) + " (on an unreadable stripe " + policyOutcome(in.policy) +
                  "); of a clean rebuild: " + pct(res.pClean) + ".");

    // The riskiest member, if it stands out.
    const MemberInput* risky = nullptr;
    int riskyGroupR = 0;
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (const auto& m : groups[g]) {
            const auto& mi = in.members[static_cast<std::size_t>(m.slot)];
            if ((mi.multiplier >= t.riskyMultiplier || mi.knownUnreadableSectors > 0) &&
                (!risky || mi.multiplier > risky->multiplier)) {
                risky = &mi;
                riskyGroupR = groupR[g];
            }
        }
    if (risky) {
        std::string s = risky->name + " is the riskiest member";
        if (riskiest && &in.members[static_cast<std::size_t>(riskiest->slot)] == risky)
            s += " (" + pct(riskiestShare) + " of the expected trouble)";
        s += ":";
        for (const auto& r : risky->reasons) s += " " + r + ";";
        s.back() = '.';
        why.push_back(s);
    }

    const bool tooRisky = res.pArrayLoss >= t.backupArrayLoss || res.pSectorLoss >= t.backupSectorLoss;
    if (risky && (riskyGroupR > 0 || in.hypothetical)) {
        res.recommendation = Recommendation::replace_risky_member_first;
        why.push_back("Replace " + risky->name + " first, while the array can still reconstruct it (md: mdadm --replace; "
                      "controllers: replace-member or copyback), then " +
                      (in.hypothetical ? "the drive you meant to pull." : "rebuild " + failedList + "."));
    } else if (tooRisky || risky) {
        res.recommendation = Recommendation::backup_first;
        why.push_back("Back up the data (at least what changed since the last backup) before starting the rebuild: "
                      "the rebuild reads every critical member in full, which is when weak drives give up.");
    } else {
        res.recommendation = Recommendation::rebuild_now;
        why.push_back("Rebuild now: the risk is below the thresholds (array loss " + pct(t.backupArrayLoss) +
                      ", unreadable stripes " + pct(t.backupSectorLoss) + "), and waiting only lengthens the exposure.");
    }
    return res;
}

} // namespace raidmon
