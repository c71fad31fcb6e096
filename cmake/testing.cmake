# Test helpers. Labels: unit (host tests, cmocka, ASan+UBSan when KEEL_SANITIZE),
# emu (boots on an emulated host through tests/harness/keel-emu), fuzz.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

set(KEEL_EMU ${CMAKE_SOURCE_DIR}/tests/harness/keel-emu)

# keel_unit_test(NAME SOURCES files... [LIBS libs...] [INCLUDES dirs...])
function(keel_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE keel_user_flags PkgConfig::CMOCKA ${T_LIBS})
  target_include_directories(${name} PRIVATE ${T_INCLUDES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bin)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120)
endfunction()

# keel_emu_test(NAME DESC file [TIMEOUT seconds] [DEPENDS targets...])
# Runs a test description (see tests/harness/README.md) on an emulated host.
function(keel_emu_test name)
  cmake_parse_arguments(T "" "DESC;TIMEOUT" "DEPENDS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${name}
    COMMAND ${KEEL_EMU} run --build ${CMAKE_BINARY_DIR} --workdir ${CMAKE_BINARY_DIR}/emu/${name}
            ${T_DESC})
  # ctest's own limit sits above the harness's, which kills its emulator first.
  math(EXPR ctest_limit "${T_TIMEOUT} + 60")
  set_tests_properties(${name} PROPERTIES LABELS emu TIMEOUT ${ctest_limit})
endfunction()
