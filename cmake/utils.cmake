# SPDX-License-Identifier: LGPL-2.1-or-later
set(RAIDMON_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

# Read the version from the public header, so there is one source of truth.
function(raidmon_extract_version)
  file(READ "${RAIDMON_CMAKE_DIR}/../libraidmon/include/raidmon/version.hpp" _hdr)
  foreach(part MAJOR MINOR PATCH)
    string(REGEX MATCH "#define RAIDMON_VERSION_${part} ([0-9]+)" _m "${_hdr}")
    if(NOT _m)
      message(FATAL_ERROR "cannot read RAIDMON_VERSION_${part} from version.hpp")
    endif()
    set(_${part} ${CMAKE_MATCH_1})
  endforeach()
  set(RAIDMON_VERSION "${_MAJOR}.${_MINOR}.${_PATCH}" PARENT_SCOPE)
  set(RAIDMON_VERSION_MAJOR "${_MAJOR}" PARENT_SCOPE)
endfunction()

# Warnings used for every first-party target.
function(raidmon_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wno-sign-conversion -Wnon-virtual-dtor -Wformat=2)
  if(RAIDMON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
