// SPDX-License-Identifier: LGPL-2.1-or-later
// Markov mean time to data loss. The chain: state i = members down (0..k), failures at rate
// (n-i)L, one repair at a time at rate U; from state k (no redundancy left) a failure loses data,
// and a repair fails with probability h (e.g. it hits an unreadable sector), which loses data too.
// The h = 0 closed forms are the textbook Markov results quoted in REBUILD-MODEL.md (the chain of
// Gibson's "Redundant Disk Arrays", MIT Press 1992); the h-variants follow from the same chain by
// first-step analysis, written out next to each formula.
#include <cmath>
#include <string>

#include <raidmon/rebuild.hpp>

namespace raidmon {

namespace {

Result<void> checkCommon(int n, int minN, double mttf, double mttr, double h) {
    if (n < minN) return fail(errc::invalid_argument, "n: at least " + std::to_string(minN) + " members needed (got " + std::to_string(n) + ")");
    if (!std::isfinite(mttf) || mttf <= 0) return fail(errc::invalid_argument, "mttfHours: must be a finite number > 0");
    if (!std::isfinite(mttr) || mttr <= 0) return fail(errc::invalid_argument, "mttrHours: must be a finite number > 0");
    if (!(h >= 0 && h <= 1)) return fail(errc::invalid_argument, "h: must be a probability in [0, 1]");
    return {};
}

} // namespace

Result<double> mttdlRaid5(int n, double mttfHours, double mttrHours, double h) {
    if (auto ok = checkCommon(n, 2, mttfHours, mttrHours, h); !ok) return tl::unexpected(ok.error());
    const double L = 1 / mttfHours, U = 1 / mttrHours, nn = n;
    const double a = nn * L, b = (nn - 1) * L;
    // T0 = 1/a + T1, T1 (b + U) = 1 + (1-h) U T0  =>  T0 = (a + b + U) / (a (b + hU)).
    return (a + b + U) / (a * (b + h * U));
}

Result<double> mttdlRaid6(int n, double mttfHours, double mttrHours, double h) {
    if (auto ok = checkCommon(n, 3, mttfHours, mttrHours, h); !ok) return tl::unexpected(ok.error());
    const double L = 1 / mttfHours, U = 1 / mttrHours, nn = n;
    const double a = nn * L, b = (nn - 1) * L, c = (nn - 2) * L;
    // T0 = 1/a + T1; T1 (b+U) = 1 + U T0 + b T2; T2 (c+U) = 1 + (1-h) U T1
    // =>  T0 = [b(c + hU) + a(c + U) + U(c + U) + ab] / (a b (c + hU)); h = 0 gives the classic form.
    return (b * (c + h * U) + a * (c + U) + U * (c + U) + a * b) / (a * b * (c + h * U));
}

Result<double> mttdlChain(int n, int k, double mttfHours, double mttrHours, double h) {
    if (k < 0) return fail(errc::invalid_argument, "k: failures tolerated cannot be negative");
    if (auto ok = checkCommon(n, k + 1, mttfHours, mttrHours, h); !ok) return tl::unexpected(ok.error());
    const double L = 1 / mttfHours, U = 1 / mttrHours;
    // Sum of first-passage times tau_i from state i to i+1. From first-step analysis,
    //   tau_0 = 1/f_0,  tau_i = (1 + U tau_{i-1}) / f_i  (0 < i < k),
    //   tau_k = (1 + (1-h) U tau_{k-1}) / (f_k + h U),  with f_i = (n-i)L.
    // Every term is positive, so this stays accurate when U >> L (a linear solve of the same chain
    // loses about log10(U/L) digits to cancellation).
    double tau = 0, total = 0;
    for (int i = 0; i <= k; ++i) {
        const double f = (n - i) * L;
        const double back = i == 0 ? 0 : (i == k ? (1 - h) * U : U);
        tau = (1 + back * tau) / (f + (i == k && i > 0 ? h * U : 0));
        total += tau;
    }
    return total;
}

} // namespace raidmon
