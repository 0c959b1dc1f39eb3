# fuzz/targets.cmake: reads fuzz/corpora.txt into PIPECHECK_FUZZ_TARGETS and,
# per target, PIPECHECK_FUZZ_SEEDS_<target> (absolute directories, its
# fuzz/findings/<target> last), and names each target's sources.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/corpora.txt)
file(STRINGS ${PROJECT_SOURCE_DIR}/fuzz/corpora.txt pipecheck_fuzz_lines REGEX "^[a-z]")
set(PIPECHECK_FUZZ_TARGETS)
foreach(line ${pipecheck_fuzz_lines})
  separate_arguments(words UNIX_COMMAND "${line}")
  list(POP_FRONT words target)
  list(APPEND PIPECHECK_FUZZ_TARGETS ${target})
  set(PIPECHECK_FUZZ_SEEDS_${target})
  foreach(dir ${words} fuzz/findings/${target})
    list(APPEND PIPECHECK_FUZZ_SEEDS_${target} ${PROJECT_SOURCE_DIR}/${dir})
  endforeach()
endforeach()
# The sources of every target, and those some targets share.
set(PIPECHECK_FUZZ_SOURCES)
foreach(target ${PIPECHECK_FUZZ_TARGETS})
  list(APPEND PIPECHECK_FUZZ_SOURCES ${PROJECT_SOURCE_DIR}/fuzz/${target}.cc)
endforeach()
set(PIPECHECK_FUZZ_SHARED_SOURCES ${PROJECT_SOURCE_DIR}/fuzz/fuzz.cc ${PROJECT_SOURCE_DIR}/fuzz/serve_harness.cc)
set(PIPECHECK_FUZZ_LIBRARIES pipecheck_serve pipecheck_bindings pipecheck_validate pipecheck_properties
    pipecheck_sim pipecheck_model pipecheck_options)
