# Install layout and the Debian package. The programs install themselves (install(TARGETS) in
# their folders); this file adds what runs them as services and what configures them:
#   <prefix>/lib/systemd/system/   every systemd/*.service (units of other programs included)
#   <prefix>/lib/sysusers.d/valtuus.conf, <prefix>/lib/tmpfiles.d/valtuus.conf
#   /etc/valtuus/valtuusd.conf     the commented example configuration (a conffile in the .deb;
#                                  <prefix>/etc/valtuus for a prefix other than /usr)
#   /etc/valtuus/policy/           the example catalog and authorisation maps (policy.dir)
#   <prefix>/share/doc/valtuus/    README.md and a pristine copy of the example configuration
# The SQL migrations are compiled into the programs: no files.
#
#   cmake --install build --prefix /usr          (DESTDIR=/tmp/root for a staging tree)
#   cpack -G DEB --config build/CPackConfig.cmake -B /tmp/pkg

# The units and the configuration are laid out by a script that runs at install time, when
# the prefix is known (cpack installs with prefix /usr whatever the build's): the units must
# name the programs where they are, and the configuration belongs in /etc for prefix /usr
# (where valtuusd looks by default) and in <prefix>/etc otherwise, as GNUInstallDirs does.
# Units are globbed then too, so every systemd/*.service is installed, whoever added it.
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/valtuus_install_layout.cmake @ONLY CONTENT [[
# Generated from cmake/ValtuusInstall.cmake; run by `cmake --install` and cpack.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(confdir "/etc/valtuus")
else()
  set(confdir "${CMAKE_INSTALL_PREFIX}/etc/valtuus")
endif()
set(work "@CMAKE_BINARY_DIR@/install-units")
file(REMOVE_RECURSE "${work}")
file(GLOB units "@CMAKE_SOURCE_DIR@/systemd/*.service")
foreach(unit IN LISTS units)
  get_filename_component(name "${unit}" NAME)
  file(READ "${unit}" text)
  string(REPLACE "/usr/sbin/valtuus" "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_SBINDIR@/valtuus"
                 text "${text}")
  string(REPLACE "/usr/bin/valtuus" "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_BINDIR@/valtuus"
                 text "${text}")
  string(REPLACE "/etc/valtuus/" "${confdir}/" text "${text}")
  file(WRITE "${work}/${name}" "${text}")
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
       FILES "${work}/${name}")
endforeach()
file(INSTALL DESTINATION "${confdir}" TYPE FILE
     FILES "@CMAKE_SOURCE_DIR@/packaging/valtuusd.conf.example" RENAME valtuusd.conf)
file(INSTALL DESTINATION "${confdir}" TYPE FILE
     FILES "@CMAKE_SOURCE_DIR@/packaging/valtuus-web.conf.example" RENAME valtuus-web.conf)
file(INSTALL DESTINATION "${confdir}/policy" TYPE FILE
     FILES "@CMAKE_SOURCE_DIR@/policies/examples/catalog.yaml")
file(INSTALL DESTINATION "${confdir}/policy" TYPE DIRECTORY
     FILES "@CMAKE_SOURCE_DIR@/policies/examples/maps" FILES_MATCHING PATTERN "*.yaml")
]])
install(SCRIPT ${CMAKE_BINARY_DIR}/valtuus_install_layout.cmake)

install(FILES ${CMAKE_SOURCE_DIR}/systemd/valtuus.sysusers DESTINATION lib/sysusers.d
        RENAME valtuus.conf)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/valtuus.tmpfiles DESTINATION lib/tmpfiles.d
        RENAME valtuus.conf)

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/packaging/valtuusd.conf.example
              ${CMAKE_SOURCE_DIR}/packaging/valtuus-web.conf.example
              ${CMAKE_SOURCE_DIR}/packaging/nginx-valtuus-web.conf.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- Debian package -------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME valtuus)
set(CPACK_PACKAGE_VENDOR "Valtuus")
set(CPACK_PACKAGE_CONTACT "Valtuus maintainers <valtuus@example.fi>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "identity-governance sync daemon for Suomi.fi business mandates")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install into a staging tree with DESTDIR, so that the prefix the script sees is /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The first line of the control file's Description is the summary above; CPack indents these.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "valtuusd reads employees and job titles from Active Directory, applies
authorisation maps and writes reviewable mandate changes to PostgreSQL;
valtuusctl is for the people who review, approve and record them. Nothing
is ever written to Suomi.fi: a person executes every change there.")
# Debug information stays in the build tree.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, prometheus-node-exporter")
find_program(VALTUUS_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(VALTUUS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # Debian 12's libraries, for a build without dpkg-dev.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6, libstdc++6, libgcc-s1, libldap-2.5-0, libpqxx-6.4, libpq5, libsystemd0, \
libboost-program-options1.74.0, libyaml-cpp0.7, libfmt9, libsodium23, libcurl4")
endif()

# Every file under /etc is a conffile: dpkg keeps the administrator's edits on upgrade.
set(VALTUUS_DEB_CONTROL ${CMAKE_BINARY_DIR}/packaging/deb)
file(GLOB_RECURSE VALTUUS_EXAMPLE_POLICY RELATIVE ${CMAKE_SOURCE_DIR}/policies/examples
     CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/policies/examples/*.yaml)
set(VALTUUS_CONFFILES "/etc/valtuus/valtuusd.conf\n/etc/valtuus/valtuus-web.conf\n")
foreach(file IN LISTS VALTUUS_EXAMPLE_POLICY)
  string(APPEND VALTUUS_CONFFILES "/etc/valtuus/policy/${file}\n")
endforeach()
file(CONFIGURE OUTPUT ${VALTUUS_DEB_CONTROL}/conffiles CONTENT "${VALTUUS_CONFFILES}")
foreach(script postinst prerm postrm)
  configure_file(${CMAKE_SOURCE_DIR}/packaging/deb/${script} ${VALTUUS_DEB_CONTROL}/${script}
                 COPYONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                 GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${VALTUUS_DEB_CONTROL}/conffiles ${VALTUUS_DEB_CONTROL}/postinst ${VALTUUS_DEB_CONTROL}/prerm
    ${VALTUUS_DEB_CONTROL}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
