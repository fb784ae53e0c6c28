# One precompiled header for every test executable (GoogleTest and the standard library),
# compiled once and reused by each (REUSE_FROM): parsing gtest.h alone is about 1.5 s of CPU in
# each of some hundred test files. The tests share its flags (valtuus_build_flags, GTest's
# definitions); GCC refuses a PCH built with other flags, and CMake's -Winvalid-pch makes that
# an error under VALTUUS_WERROR rather than a silent slowdown. VALTUUS_PCH=OFF compiles without.
if(VALTUUS_PCH)
  add_library(valtuus_test_pch OBJECT ${CMAKE_SOURCE_DIR}/tests/support/pch_anchor.cc)
  target_link_libraries(valtuus_test_pch PRIVATE GTest::gtest valtuus_build_flags)
  target_precompile_headers(valtuus_test_pch PRIVATE
    <gtest/gtest.h> <chrono> <filesystem> <functional> <map> <memory> <optional> <string>
    <vector>)
endif()

# valtuus_add_test(NAME SOURCES... LIBS... [SERVERS])
# One GoogleTest executable registered with CTest. With SERVERS the test runs inside the
# "servers" fixture: CTest starts the private slapd and PostgreSQL before it and stops them
# after the last such test, even when tests fail. VALTUUS_ALLOW_ROOT=1 lets valtuusd run as
# root, which CI containers are and a deployment must never be.
function(valtuus_add_test name)
  cmake_parse_arguments(ARG "SERVERS" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main valtuus_build_flags)
  if(VALTUUS_PCH)
    target_precompile_headers(${name} REUSE_FROM valtuus_test_pch)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  if(ARG_SERVERS)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED servers
      ENVIRONMENT "VALTUUS_TEST_ENV=${VALTUUS_TEST_SERVERS_DIR}/env;VALTUUS_BUILD_DIR=${CMAKE_BINARY_DIR};VALTUUS_SOURCE_DIR=${CMAKE_SOURCE_DIR};VALTUUS_ALLOW_ROOT=1")
  else()
    set_tests_properties(${name} PROPERTIES LABELS unit)
  endif()
endfunction()
