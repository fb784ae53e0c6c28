# One-way arrows between folders, checked on every build: valtuus_forbid(NAME FOLDER RULE
# PATTERNS...) fails the build when a .cc/.h file under FOLDER has a line matching a pattern.
function(valtuus_forbid name folder rule)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${folder}/*.cc
       ${CMAKE_SOURCE_DIR}/${folder}/*.h)
  string(REPLACE ";" "|" files_arg "${sources}")
  string(REPLACE ";" "|" patterns_arg "${ARGN}")
  set(stamp ${CMAKE_BINARY_DIR}/layers/${name}.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} "-DFILES=${files_arg}" "-DFORBIDDEN=${patterns_arg}"
            "-DRULE=${rule}" -DSTAMP=${stamp} -P ${CMAKE_SOURCE_DIR}/cmake/ForbidIncludes.cmake
    DEPENDS ${sources} ${CMAKE_SOURCE_DIR}/cmake/ForbidIncludes.cmake
    COMMENT "Checking what ${folder}/ may include"
    VERBATIM)
  add_custom_target(valtuus_layers_${name} ALL DEPENDS ${stamp})
endfunction()
