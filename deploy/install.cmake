# `cmake --install build` (DESTDIR honoured): the daemons, the CLI, systemd units for both
# daemons, tmpfiles.d for /run/keel, /etc/keel/controld.conf (kept if it exists) and the
# dashboard (ui/CMakeLists.txt, /usr/share/keel/ui). The
# prefix defaults to /usr, where the units expect the programs; test doubles are never
# installed.
if(KEEL_FUZZ)
  return()
endif()
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix (the units expect /usr)" FORCE)
endif()
include(GNUInstallDirs)

install(TARGETS keel-controld keel-xenstored DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS keel DESTINATION ${CMAKE_INSTALL_BINDIR})

# The units name /usr/sbin and /etc/keel; other prefixes get them rewritten.
foreach(unit keel-controld.service keel-xenstored.service)
  file(READ ${CMAKE_CURRENT_LIST_DIR}/${unit} text)
  string(REPLACE "/usr/sbin/" "${CMAKE_INSTALL_FULL_SBINDIR}/" text "${text}")
  string(REPLACE "/etc/keel/" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/keel/" text "${text}")
  file(WRITE ${CMAKE_BINARY_DIR}/deploy/${unit} "${text}")
  install(FILES ${CMAKE_BINARY_DIR}/deploy/${unit}
    DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endforeach()
install(FILES ${CMAKE_CURRENT_LIST_DIR}/keel.tmpfiles
  DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d RENAME keel.conf)

install(FILES ${CMAKE_CURRENT_LIST_DIR}/keel-controld.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME controld.conf.example)
# An administrator's edited config survives a reinstall.
set(conf ${CMAKE_INSTALL_FULL_SYSCONFDIR}/keel/controld.conf)
install(CODE "
  if(NOT EXISTS \"\$ENV{DESTDIR}${conf}\")
    file(INSTALL ${CMAKE_CURRENT_LIST_DIR}/keel-controld.conf
         DESTINATION \"${CMAKE_INSTALL_FULL_SYSCONFDIR}/keel\"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
         RENAME controld.conf)
  endif()")
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/controld/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME controld.md)
