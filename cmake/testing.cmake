# Test helpers. Labels say what a test is: unit (in-process host tests, cmocka, ASan+UBSan
# when KEEL_SANITIZE; a fuzz target's corpus replay too), system (starts daemons), lint,
# emu (boots on an emulated host through tests/harness/keel-emu), fuzz (libFuzzer runs).
# A directory that sets KEEL_TEST_PART (store, api, ...) adds it as a second label, so
# `ctest -L store` runs one component's tests.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

set(KEEL_EMU ${CMAKE_SOURCE_DIR}/tests/harness/keel-emu)

# keel_unit_test(NAME SOURCES files... [LIBS libs...] [INCLUDES dirs...])
function(keel_unit_test name)
  if(KEEL_FUZZ)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE keel_user_flags PkgConfig::CMOCKA ${T_LIBS})
  target_include_directories(${name} PRIVATE ${T_INCLUDES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bin)
  add_test(NAME ${name} COMMAND ${name})
  set(labels unit ${KEEL_TEST_PART})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT 120)
endfunction()

# keel_emu_test(NAME DESC file [TIMEOUT seconds] [DEPENDS targets...])
# Runs a test description (see tests/harness/README.md) on an emulated host.
function(keel_emu_test name)
  if(KEEL_FUZZ)
    return()
  endif()
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

# keel_fuzz_target(NAME SOURCES files... [LIBS libs...] [INCLUDES dirs...] [CORPUS dir])
# The source defines LLVMFuzzerTestOneInput. With KEEL_FUZZ=ON (clang, build-fuzz/, driven
# by tests/run-fuzz.sh) it becomes a libFuzzer binary run for KEEL_FUZZ_SECONDS (label fuzz).
# Otherwise it is linked with a replay driver that feeds every file of CORPUS through the
# target under ASan+UBSan, as a unit test, so the corpus doubles as regression inputs.
set(KEEL_FUZZ_SECONDS 10 CACHE STRING "How long each fuzz target runs in the fuzz build")
function(keel_fuzz_target name)
  cmake_parse_arguments(T "" "CORPUS" "SOURCES;LIBS;INCLUDES" ${ARGN})
  set_property(GLOBAL PROPERTY KEEL_HAS_FUZZ_TARGETS TRUE)
  # The entry point's prototype (-Wmissing-prototypes): tests/fuzz/fuzz_target.h.
  set_property(SOURCE ${T_SOURCES} APPEND PROPERTY
    COMPILE_OPTIONS -include ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_target.h)
  if(KEEL_FUZZ)
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE keel_user_flags ${T_LIBS})
    target_include_directories(${name} PRIVATE ${T_INCLUDES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    set(work ${CMAKE_BINARY_DIR}/fuzz/${name}-corpus)
    file(MAKE_DIRECTORY ${work})
    add_test(NAME ${name}
      COMMAND ${name} -max_total_time=${KEEL_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
              ${work} ${T_CORPUS})
    set(labels fuzz ${KEEL_TEST_PART})
    set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT 600)
  else()
    add_executable(${name}_replay ${T_SOURCES} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
    target_link_libraries(${name}_replay PRIVATE keel_user_flags ${T_LIBS})
    target_include_directories(${name}_replay PRIVATE ${T_INCLUDES})
    set_target_properties(${name}_replay PROPERTIES
      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bin)
    add_test(NAME ${name}_replay COMMAND ${name}_replay ${T_CORPUS})
    set(labels unit ${KEEL_TEST_PART})
    set_tests_properties(${name}_replay PROPERTIES LABELS "${labels}" TIMEOUT 120)
  endif()
endfunction()
