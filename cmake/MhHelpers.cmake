# Shared build helpers: warning flags, sanitizers, test registration with CTest labels.

set(MH_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(MH_WERROR)
  list(APPEND MH_WARNINGS -Werror)
  # GCC 12 at -O3 (Release) reports -Wrestrict / -Wstringop-* / -Warray-bounds false positives
  # inside libstdc++'s std::string code it inlined into ours: warn, do not fail the build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND MH_WARNINGS -Wno-error=restrict -Wno-error=stringop-overread -Wno-error=stringop-overflow -Wno-error=array-bounds)
  endif()
endif()
set(MH_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
# GCC 12 reports false maybe-uninitialized warnings inside libstdc++ (std::function in <regex>)
# when ASan instruments it; they are not in our code, so they must not fail the sanitizer build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND MH_SAN_FLAGS -Wno-maybe-uninitialized)
endif()

# Apply our warning set (and sanitizers for host code when MH_SANITIZE) to a target.
function(mh_target_defaults target)
  target_compile_options(${target} PRIVATE ${MH_WARNINGS})
  get_target_property(is_guest ${target} MH_GUEST)
  if(MH_SANITIZE AND NOT is_guest)
    target_compile_options(${target} PRIVATE ${MH_SAN_FLAGS})
    target_link_options(${target} PRIVATE ${MH_SAN_FLAGS})
  endif()
endfunction()

# mh_add_test(NAME name LABELS unit|vm|fuzz SOURCES ... LIBS ... [TIMEOUT s])
function(mh_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "LABELS;SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  # mh_gtest_main (tests/support/gtest_main.cpp): exits 77 when every test that ran was skipped.
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest mh_gtest_main)
  mh_target_defaults(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77
    ENVIRONMENT "MH_SOURCE_DIR=${PROJECT_SOURCE_DIR};MH_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# mh_split_test(name Suite.Test ...): each listed test of the mh_add_test binary `name` becomes its
# own CTest entry "name/Suite.Test" (same labels, timeout, environment), and the entry `name` runs
# the rest. For tests that may skip alone (no fuzz kernel, no root): CTest then shows exactly
# those as Skipped instead of hiding them inside a passing binary. Call it in the directory
# that registered `name`.
function(mh_split_test name)
  get_test_property(${name} LABELS labels)
  get_test_property(${name} TIMEOUT timeout)
  get_test_property(${name} ENVIRONMENT env)
  set(excluded "")
  foreach(t ${ARGN})
    add_test(NAME ${name}/${t} COMMAND ${name} --gtest_filter=${t})
    set_tests_properties(${name}/${t} PROPERTIES LABELS "${labels}" TIMEOUT ${timeout} SKIP_RETURN_CODE 77
      ENVIRONMENT "${env}")
    string(APPEND excluded ":${t}")
  endforeach()
  string(SUBSTRING "${excluded}" 1 -1 excluded)
  # GoogleTest reads GTEST_FILTER from the environment: the main entry runs everything else.
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env};GTEST_FILTER=*-${excluded}")
endfunction()

# mh_component(target LIBS ... [TEST_LIBS ...]): a static library from every *.cpp in the current
# directory (and its malform/ style subdirectories listed in SUBDIRS), except *_test.cpp; each
# *_test.cpp becomes a CTest test labelled `unit` (name: file stem).
function(mh_component target)
  cmake_parse_arguments(C "" "" "LIBS;TEST_LIBS;SUBDIRS" ${ARGN})
  set(globs ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  foreach(sub ${C_SUBDIRS})
    list(APPEND globs ${CMAKE_CURRENT_SOURCE_DIR}/${sub}/*.cpp)
  endforeach()
  file(GLOB all_sources CONFIGURE_DEPENDS ${globs})
  set(lib_sources "")
  set(test_sources "")
  foreach(f ${all_sources})
    if(f MATCHES "_test\\.cpp$")
      list(APPEND test_sources ${f})
    else()
      list(APPEND lib_sources ${f})
    endif()
  endforeach()
  if(NOT lib_sources)
    # A component whose sources are not written yet still configures.
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE mh_common ${C_LIBS})
    return()
  endif()
  add_library(${target} STATIC ${lib_sources})
  target_link_libraries(${target} PUBLIC mh_common ${C_LIBS})
  mh_target_defaults(${target})
  foreach(t ${test_sources})
    get_filename_component(stem ${t} NAME_WE)
    mh_add_test(NAME ${stem} LABELS unit SOURCES ${t} LIBS ${target} ${C_TEST_LIBS})
  endforeach()
endfunction()
