# The one-way arrows between the parts (docs/architecture.md): the build fails when a file of a
# part includes a part or a library it must not (scripts/check-layering names file and line).
# Runs again whenever a source file of a part, the script or its pending list changes.
set(_parts core policies common config connectors/ldap connectors/postgres messages pages notify
           daemon cli web)
set(_globs)
foreach(_part IN LISTS _parts)
  list(APPEND _globs ${CMAKE_SOURCE_DIR}/${_part}/*.h ${CMAKE_SOURCE_DIR}/${_part}/*.cc)
endforeach()
file(GLOB_RECURSE _layering_sources CONFIGURE_DEPENDS ${_globs})
set(_stamp ${CMAKE_BINARY_DIR}/layering.stamp)
add_custom_command(
  OUTPUT ${_stamp}
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-layering --stale-ok ${CMAKE_SOURCE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${_stamp}
  DEPENDS ${_layering_sources} ${CMAKE_SOURCE_DIR}/scripts/check-layering
          ${CMAKE_SOURCE_DIR}/scripts/check-layering.pending
  COMMENT "Checking which parts include which (scripts/check-layering)"
  VERBATIM)
add_custom_target(valtuus_layering ALL DEPENDS ${_stamp})
