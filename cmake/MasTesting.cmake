# mas_add_test(NAME SOURCES a.cpp b.cpp LIBS mas_core [LABELS x] [TIMEOUT s])
# One Qt Test executable per tested class, registered with CTest under a unique name,
# run headless, told where ../shared and the artifact folder are, with the options of the build's
# sanitizer (MAS_TEST_SANITIZER_ENV, cmake/MasCompilerSettings.cmake).
set(MAS_TEST_ARTIFACTS_DIR "${CMAKE_BINARY_DIR}/test-artifacts")
file(MAKE_DIRECTORY "${MAS_TEST_ARTIFACTS_DIR}")

function(mas_add_test NAME)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${NAME} ${T_SOURCES})
  target_link_libraries(${NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_include_directories(${NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  add_test(NAME ${NAME} COMMAND ${NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;MAS_SHARED_DIR=${MAS_SHARED_DIR};MAS_TEST_ARTIFACTS=${MAS_TEST_ARTIFACTS_DIR};MAS_SOURCE_DIR=${PROJECT_SOURCE_DIR};${MAS_TEST_SANITIZER_ENV}")
endfunction()
