// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// The SMART capture decoders listed in decode/registry.cpp.
#include "nvme_cli.hpp"
#include "smartctl_json.hpp"
#include "smartctl_text.hpp"
