# Warnings and sanitizers shared by every target of the project.
add_compile_options(-Wall -Wextra)
if(MAS_WERROR)
  add_compile_options(-Werror)
endif()

option(MAS_SANITIZE_THREAD "Build with ThreadSanitizer (not together with MAS_SANITIZE)" OFF)
if(MAS_SANITIZE AND MAS_SANITIZE_THREAD)
  message(FATAL_ERROR "MAS_SANITIZE (ASan+UBSan) and MAS_SANITIZE_THREAD (TSan) cannot share one build")
endif()

# What every test's environment carries for the sanitizer of its build (mas_add_test). Each sanitizer
# stops the test at its first report (halt_on_error; UBSan cannot recover: -fno-sanitize-recover),
# so a report fails the CTest entry and therefore the CI run. Leak checking stays off: Qt's and
# LibTorch's process-lifetime singletons are still allocated at exit, which LeakSanitizer reports.
set(MAS_SANITIZER_SUPPRESSIONS "${CMAKE_CURRENT_LIST_DIR}/sanitizers")
set(MAS_TEST_SANITIZER_ENV "ASAN_OPTIONS=detect_leaks=0")
if(MAS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  set(MAS_TEST_SANITIZER_ENV
      "ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0:check_initialization_order=1"
      "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=${MAS_SANITIZER_SUPPRESSIONS}/ubsan.supp")
endif()
if(MAS_SANITIZE_THREAD)
  # Every target but mas_model: its kernels run under OpenMP, whose barriers (libgomp, not built with
  # TSan) TSan cannot see, so every parallel loop would be reported as a race. The threads of the
  # app's own code (decoder read-ahead, job queue, prefetcher) are all instrumented; mas_model then
  # also compiles exactly as in the normal build (ccache hits).
  add_compile_options("$<$<NOT:$<STREQUAL:$<TARGET_PROPERTY:NAME>,mas_model>>:-fsanitize=thread;-fno-omit-frame-pointer>")
  add_link_options(-fsanitize=thread)
  # die_after_fork=0: the tests run the ffmpeg program through QProcess, which forks the
  # multi-threaded test process and execs at once; TSan would otherwise kill the child.
  set(MAS_TEST_SANITIZER_ENV
      "TSAN_OPTIONS=halt_on_error=1:die_after_fork=0:second_deadlock_stack=1:history_size=4:suppressions=${MAS_SANITIZER_SUPPRESSIONS}/tsan.supp")
endif()
