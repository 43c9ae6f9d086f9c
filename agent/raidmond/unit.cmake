# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes raidmond.service from raidmond.service.in with the paths the files are installed at.
# Run by `cmake --install` (so --prefix counts) and by the unit test, as a script:
#   cmake -DCMAKE_INSTALL_PREFIX=P -DSBINDIR=sbin -DSYSCONFDIR=etc -DDOCDIR=share/doc/raidmon
#         -DUNIT_IN=.../raidmond.service.in -DUNIT_OUT=FILE -P unit.cmake
# A relative directory is under the prefix; GNUInstallDirs' rule holds for SYSCONFDIR: prefix /usr
# keeps its configuration in /etc.
foreach(v CMAKE_INSTALL_PREFIX SBINDIR SYSCONFDIR DOCDIR UNIT_IN UNIT_OUT)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "unit.cmake: ${v} is not set")
  endif()
endforeach()
function(raidmon_unit_path out rel)
  if(IS_ABSOLUTE "${rel}")
    set(${out} "${rel}" PARENT_SCOPE)
  else()
    string(REGEX REPLACE "/+$" "" _prefix "${CMAKE_INSTALL_PREFIX}")
    set(${out} "${_prefix}/${rel}" PARENT_SCOPE)
  endif()
endfunction()
raidmon_unit_path(RAIDMON_UNIT_SBINDIR "${SBINDIR}")
raidmon_unit_path(RAIDMON_UNIT_DOCDIR "${DOCDIR}")
if(NOT IS_ABSOLUTE "${SYSCONFDIR}" AND CMAKE_INSTALL_PREFIX MATCHES "^/usr/*$" AND SYSCONFDIR STREQUAL "etc")
  set(RAIDMON_UNIT_SYSCONFDIR /etc)
else()
  raidmon_unit_path(RAIDMON_UNIT_SYSCONFDIR "${SYSCONFDIR}")
endif()
configure_file("${UNIT_IN}" "${UNIT_OUT}" @ONLY)
