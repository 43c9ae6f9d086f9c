# SPDX-License-Identifier: LGPL-2.1-or-later
# Libraries the agent and the CLI load only when the configuration needs them
# (agent/daemon/dynlib.hpp): libcurl, libmosquitto, libcrypto. A target that loads them gets their
# headers, libdl, and each library's soname read from the library it is compiled against, so the
# name dlopen() asks for is the ABI the headers describe.

# The SONAME of the shared library pkg-config module PREFIX links (PREFIX_LINK_LIBRARIES).
function(raidmon_soname out prefix)
  set(found "")
  foreach(lib ${${prefix}_LINK_LIBRARIES})
    if(lib MATCHES "\\.so(\\.|$)" AND EXISTS "${lib}")
      set(found "${lib}")
      break()
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "${prefix}: no shared library among ${${prefix}_LINK_LIBRARIES}")
  endif()
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p "${found}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR NOT dump MATCHES "SONAME +([^ \t\r\n]+)")
    message(FATAL_ERROR "${prefix}: cannot read the SONAME of ${found} with ${CMAKE_OBJDUMP} -p")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

raidmon_soname(RAIDMON_CURL_SONAME LIBCURL)
raidmon_soname(RAIDMON_MOSQUITTO_SONAME MOSQUITTO)
raidmon_soname(RAIDMON_CRYPTO_SONAME LIBCRYPTO)
message(STATUS "Loaded when configured: ${RAIDMON_CURL_SONAME}, ${RAIDMON_MOSQUITTO_SONAME}, ${RAIDMON_CRYPTO_SONAME}")

# Headers (for `target` and what links it) and sonames of the three, and libdl, for `target` (its
# sources include daemon/dynlib.hpp).
function(raidmon_dlopen_libraries target)
  foreach(lib LIBCURL MOSQUITTO LIBCRYPTO)
    target_include_directories(${target} SYSTEM PUBLIC $<TARGET_PROPERTY:PkgConfig::${lib},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_options(${target} PUBLIC $<TARGET_PROPERTY:PkgConfig::${lib},INTERFACE_COMPILE_OPTIONS>)
  endforeach()
  target_compile_definitions(${target} PRIVATE RAIDMON_CURL_SONAME="${RAIDMON_CURL_SONAME}"
    RAIDMON_MOSQUITTO_SONAME="${RAIDMON_MOSQUITTO_SONAME}" RAIDMON_CRYPTO_SONAME="${RAIDMON_CRYPTO_SONAME}")
  target_link_libraries(${target} PUBLIC ${CMAKE_DL_LIBS})
endfunction()
