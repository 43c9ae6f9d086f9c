# SPDX-License-Identifier: LGPL-2.1-or-later
# `cmake --build build --target doc`: the reference of the public C++ API (libraidmon/include,
# from its /// comments) and of the C API (raidmon.h) as HTML in build/doc/html. Optional: the
# target exists only when Doxygen is installed (Debian: doxygen).
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  set(DOXYGEN_PROJECT_NAME "libraidmon")
  set(DOXYGEN_PROJECT_BRIEF "Disks, RAID arrays and enclosure slots of Linux servers: C++ and C API")
  set(DOXYGEN_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/doc)
  set(DOXYGEN_GENERATE_LATEX NO)
  set(DOXYGEN_EXTRACT_ALL NO)
  set(DOXYGEN_JAVADOC_AUTOBRIEF YES)
  set(DOXYGEN_WARN_IF_UNDOCUMENTED NO)
  set(DOXYGEN_FULL_PATH_NAMES YES)
  set(DOXYGEN_STRIP_FROM_PATH ${PROJECT_SOURCE_DIR}/libraidmon/include ${PROJECT_SOURCE_DIR}/bindings/c/include)
  set(DOXYGEN_STRIP_FROM_INC_PATH ${PROJECT_SOURCE_DIR}/libraidmon/include ${PROJECT_SOURCE_DIR}/bindings/c/include)
  set(DOXYGEN_MACRO_EXPANSION YES)
  set(DOXYGEN_PREDEFINED "RAIDMON_API_BEGIN=" "RAIDMON_API_END=" "RAIDMON_C_API=")
  set(DOXYGEN_USE_MDFILE_AS_MAINPAGE ${PROJECT_SOURCE_DIR}/docs/api-c.md)
  doxygen_add_docs(doc
    ${PROJECT_SOURCE_DIR}/libraidmon/include/raidmon
    ${PROJECT_SOURCE_DIR}/bindings/c/include/raidmon
    ${PROJECT_SOURCE_DIR}/docs/api-c.md
    COMMENT "API reference (Doxygen) into ${CMAKE_BINARY_DIR}/doc/html")
endif()
