# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced before running tests of ./build-san. Every finding stops the program with a non-zero exit
# (a failed test). verify_asan_link_order=0: the umockdev tier runs programs under umockdev-wrapper,
# whose LD_PRELOAD puts libumockdev-preload before the ASan runtime; ASan works all the same (its
# interceptors are found through the executable, which links the runtime statically).
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:verify_asan_link_order=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/lsan.supp
