# One precompiled header for every test executable (GoogleTest and the standard library),
# compiled once and reused by each (REUSE_FROM): parsing gtest.h alone is about 1.5 s of CPU in
# each of some hundred test files. The tests share its flags (valtuus_build_flags, GTest's
# definitions); GCC refuses a PCH built with other flags, and CMake's -Winvalid-pch makes that
# an error under VALTUUS_WERROR rather than a silent slowdown. VALTUUS_PCH=OFF compiles without.
#
# VALTUUS_TEST_OPTIONS: compile options of the test code alone (the test files and their support
# libraries, added after the build type's flags by tests/CMakeLists.txt, and this header, which
# must be compiled with the same optimisation as its users: GCC refuses it otherwise). The
# sanitizer tree of scripts/test sets -O0: its test files then compile in about half the time,
# while the code under test stays at the build type's -O1.
set(VALTUUS_TEST_OPTIONS "" CACHE STRING "Compile options of the test code only (scripts/test: -O0)")
if(VALTUUS_PCH)
  add_library(valtuus_test_pch OBJECT ${CMAKE_SOURCE_DIR}/tests/support/pch_anchor.cc)
  target_link_libraries(valtuus_test_pch PRIVATE GTest::gtest valtuus_build_flags)
  target_compile_options(valtuus_test_pch PRIVATE ${VALTUUS_TEST_OPTIONS})
  target_precompile_headers(valtuus_test_pch PRIVATE
    <gtest/gtest.h> <chrono> <filesystem> <functional> <map> <memory> <optional> <string>
    <vector>)
endif()

if(VALTUUS_UNITY)
  include(${CMAKE_CURRENT_LIST_DIR}/ValtuusUnity.cmake)
endif()

# The main of every test executable: runs the tests of the CTest test's own source files
# (tests/support/test_main.cc says how), so that one executable can serve several CTest tests.
add_library(valtuus_test_main OBJECT ${CMAKE_SOURCE_DIR}/tests/support/test_main.cc)
target_link_libraries(valtuus_test_main PRIVATE GTest::gtest valtuus_build_flags)
target_compile_options(valtuus_test_main PRIVATE ${VALTUUS_TEST_OPTIONS})

# valtuus_add_test(NAME SOURCES... LIBS... [SERVERS])
# One CTest test NAME that runs the GoogleTest tests defined in SOURCES. With SERVERS the test
# runs inside the "servers" fixture: CTest starts the private slapd and PostgreSQL before it and
# stops them after the last such test, even when tests fail. VALTUUS_ALLOW_ROOT=1 lets valtuusd
# run as root, which CI containers are and a deployment must never be.
#
# NAME is an OBJECT library (target_compile_definitions, target_compile_options and
# add_dependencies on NAME work as on an executable); the objects of every NAME in a folder are
# linked into one executable for the folder, tests_<folder> (tests/connectors/postgres:
# tests_connectors_postgres), made when the folder's CMakeLists.txt ends: 15 test links instead
# of 70, and a helper shared by several tests compiled once. The CTest test runs
# `tests_<folder> --sources=<NAME's files>`. To build and run one test:
#   cmake --build build --target tests_core && ctest --test-dir build -R '^dn_test$'
# A source listed by several tests of a folder is compiled once, with the first that lists it.
# Every NAME of a folder shares the folder's executable, so a test file's GoogleTest names must
# not repeat another test file's of the same folder (test_main reports it).
#
# Under VALTUUS_UNITY (the sanitizer tree of scripts/test) the folder's test files are compiled
# in batches instead (valtuus_unity_tests in cmake/ValtuusUnity.cmake): the files of all its
# NAMEs with the same target_compile_definitions and options share a few translation units, which
# parse gtest's, Beast's and our headers once per batch. So the test files of a folder must not
# define the same name twice, not even in an anonymous namespace (a file that must is listed in
# VALTUUS_UNITY_ALONE), and a using-directive at namespace scope reaches the files after it.
function(valtuus_add_test name)
  cmake_parse_arguments(ARG "SERVERS" "" "SOURCES;LIBS" ${ARGN})
  _valtuus_test_executable_name(_exe)
  get_directory_property(_compiled VALTUUS_TEST_SOURCES)
  set(_own)
  set(_relative)
  foreach(_source IN LISTS ARG_SOURCES)
    get_filename_component(_path ${_source} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    file(RELATIVE_PATH _rel ${CMAKE_SOURCE_DIR} ${_path})
    list(APPEND _relative ${_rel})
    if(NOT _path IN_LIST _compiled)
      list(APPEND _own ${_path})
      set_property(DIRECTORY APPEND PROPERTY VALTUUS_TEST_SOURCES ${_path})
    endif()
  endforeach()
  add_library(${name} OBJECT ${_own})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest valtuus_build_flags)
  set_property(TARGET ${name} PROPERTY VALTUUS_TEST_LIBS ${ARG_LIBS})
  if(VALTUUS_PCH)
    target_precompile_headers(${name} REUSE_FROM valtuus_test_pch)
  endif()
  get_directory_property(_names VALTUUS_TEST_NAMES)
  if(NOT _names)
    cmake_language(DEFER CALL _valtuus_add_test_executable)
  endif()
  set_property(DIRECTORY APPEND PROPERTY VALTUUS_TEST_NAMES ${name})
  list(JOIN _relative "," _relative)
  add_test(NAME ${name} COMMAND ${_exe} --sources=${_relative})
  if(ARG_SERVERS)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED servers
      ENVIRONMENT "VALTUUS_TEST_ENV=${VALTUUS_TEST_SERVERS_DIR}/env;VALTUUS_BUILD_DIR=${CMAKE_BINARY_DIR};VALTUUS_SOURCE_DIR=${CMAKE_SOURCE_DIR};VALTUUS_ALLOW_ROOT=1")
  else()
    # The build tree too: a unit test's scratch folders (tests/support/test_env.h) go under it,
    # and leave with it, instead of piling up in /tmp's valtuus-scratch run after run.
    set_tests_properties(${name} PROPERTIES LABELS unit
      ENVIRONMENT "VALTUUS_BUILD_DIR=${CMAKE_BINARY_DIR};VALTUUS_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endif()
endfunction()

# tests_<folder>: tests/connectors/postgres -> tests_connectors_postgres.
function(_valtuus_test_executable_name result)
  file(RELATIVE_PATH _folder ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  string(REPLACE "/" "_" _folder "${_folder}")
  set(${result} ${_folder} PARENT_SCOPE)
endfunction()

# The folder's executable: the objects of every valtuus_add_test of the folder (and, through
# them, their libraries), and under VALTUUS_UNITY the batches of their test files. Called when the
# folder's CMakeLists.txt ends, once the tests' own definitions and options are set.
function(_valtuus_add_test_executable)
  _valtuus_test_executable_name(exe)
  get_directory_property(_names VALTUUS_TEST_NAMES)
  set(_batches)
  if(VALTUUS_UNITY)
    valtuus_unity_tests(${exe} "${_names}" _batches)
  endif()
  add_executable(${exe} $<TARGET_OBJECTS:valtuus_test_main>)
  target_link_libraries(${exe} PRIVATE ${_names} ${_batches} GTest::gtest valtuus_build_flags)
endfunction()
