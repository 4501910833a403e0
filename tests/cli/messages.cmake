# Issue 9's messages from the command line (included at the end of tests/cli/CMakeLists.txt, whose
# wafer_cli_error_test checks the text and exit status 1); the runs that succeed check their text only.
set(WAFER_CLI_DIR ${CMAKE_CURRENT_SOURCE_DIR})
set(WAFER_PROGRAMS ${PROJECT_SOURCE_DIR}/data/programs)

# One "error:" per message: an assembler error is printed as it is, not behind "wafer asm: error:".
wafer_cli_error_test(cli.error_said_once "^[^\n]*bad_instruction.wasm:5:5: error: unknown instruction"
  asm ${WAFER_CLI_DIR}/bad_instruction.wasm -o ${CMAKE_CURRENT_BINARY_DIR}/bad.wimg)
set_tests_properties(cli.error_said_once PROPERTIES FAIL_REGULAR_EXPRESSION "wafer asm: error: .*error:")

# A missing file says why.
wafer_cli_error_test(cli.missing_program_says_why "cannot open the program file \\(No such file or directory\\)"
  asm ${WAFER_CLI_DIR}/no_such_program.wasm)
wafer_cli_error_test(cli.missing_run_file_says_why "no_such_image.wimg: cannot open \\(No such file or directory\\)"
  run ${WAFER_CLI_DIR}/no_such_image.wimg)

# --json: assembler errors, traps and stalls as objects with fields.
wafer_cli_error_test(cli.asm_json_error "\\{\"error\":\\{\"file\":\"[^\"]*bad_instruction.wasm\",\"line\":5,\"col\":5,\"message\":\"unknown instruction 'fmadd'.*\"notes\":\\[\\]\\}\\}"
  asm ${WAFER_CLI_DIR}/bad_instruction.wasm --json)
wafer_cli_error_test(cli.run_trap_names_file_line "in task 'compute' at [^ ]*traps_at_line_9.wasm:9 \\[kernel 'k', pc 2\\]"
  run ${WAFER_CLI_DIR}/traps_at_line_9.wasm)
wafer_cli_error_test(cli.run_json_trap "\"trap\":\\{\"x\":0,\"y\":0,\"cycle\":2,\"cause\":\"SRAM access out of range\",\"cause_code\":1,\"pc\":2,\"kernel\":\"k\",\"task\":\"compute\",\"task_id\":24,\"file\":\"[^\"]*traps_at_line_9.wasm\",\"line\":9,"
  run ${WAFER_CLI_DIR}/traps_at_line_9.wasm --json)
wafer_cli_error_test(cli.run_json_stall "\"stall\":\\{.*\"pes\":\\[\\{\"x\":0,\"y\":0,\"kernel\":\"k\",\"task\":\"main\",\"task_id\":24,\"pc\":0,\"file\":\"[^\"]*stalls_on_recv.wasm\",\"line\":6,\"waits\":\"task 'main' \\(24\\) at pc 0 \\(recv, [^\"]*stalls_on_recv.wasm:6\\) waits for a wavelet on color 'c_in' \\(0\\);\"\\}\\]"
  run ${WAFER_CLI_DIR}/stalls_on_recv.wasm --watchdog 100 --json)

# The examples check their own parameters.
wafer_cli_error_test(cli.example_asserts_its_params "gemv.wasm:[0-9]+:1: error: assertion failed: M \\(rows of A\\) must be a multiple of P \\(PE rows\\) \\(M % P == 0 is false; M = 30, P = 4\\)"
  run ${WAFER_PROGRAMS}/gemv.wasm --param M=30)
wafer_cli_error_test(cli.jacobi_asserts_even_iters "assertion failed: ITERS must be even.*ITERS = 21\\)"
  run ${WAFER_PROGRAMS}/jacobi.wasm --param ITERS=21)
# gemv.wasm carries default data: wafer run shows y = min(r + 1, N), not zeros.
add_test(NAME cli.gemv_program_default_data COMMAND $<TARGET_FILE:wafer> run ${WAFER_PROGRAMS}/gemv.wasm)
set_tests_properties(cli.gemv_program_default_data PROPERTIES PASS_REGULAR_EXPRESSION
  "output 'y\\[0\\]': 8 wavelet\\(s\\) 1 2 3 4 5 6 7 8\n.*output 'y\\[3\\]': 8 wavelet\\(s\\) 24 24")

# Host memory: a grid no host holds is refused with the figures; wafer info says whether a state fits and
# refuses grids above the PE cap.
wafer_cli_error_test(cli.run_refuses_grid_beyond_host_memory "the machine state of a 16384x1024 grid needs [0-9.]+ GiB of host memory, but [0-9.]+ GiB is available"
  run ${WAFER_CLI_DIR}/too_big_for_host.wasm)
add_test(NAME cli.info_says_state_fits COMMAND $<TARGET_FILE:wafer> info --grid 4x4)
set_tests_properties(cli.info_says_state_fits PROPERTIES PASS_REGULAR_EXPRESSION
  "host memory: [0-9.]+ GiB available of [0-9.]+ GiB: the state fits")
wafer_cli_error_test(cli.info_refuses_above_pe_cap "grid 65535x65535 has 4294836225 PEs, more than the 1073741824 \\(2\\^30\\)"
  info --grid 65535x65535)

# wafer gemv --json: the rate is PE-cycles over every cycle run, as the text says (it used the last run
# call's cycles only).
add_test(NAME cli.gemv_json_rate_counts_every_cycle COMMAND sh -c
  "$<TARGET_FILE:wafer> gemv --rows 40 --cols 30 --pe-rows 4 --pe-cols 3 --json | python3 -c \"import json,sys; d=json.load(sys.stdin); r=d['cycles']*d['pes']/d['seconds']; print('rate ok' if abs(d['pe_cycles_per_second']-r) <= 1e-9*r else 'rate %g != %g' % (d['pe_cycles_per_second'], r))\"")
set_tests_properties(cli.gemv_json_rate_counts_every_cycle PROPERTIES PASS_REGULAR_EXPRESSION "rate ok")

# The run summary's printing (host/cli/run_summary.cpp is part of the wafer binary, not of a library:
# compiled into its own test).
add_executable(wafer_run_summary_tests ${CMAKE_CURRENT_SOURCE_DIR}/run_summary_test.cpp
                                       ${PROJECT_SOURCE_DIR}/host/cli/run_summary.cpp)
target_link_libraries(wafer_run_summary_tests PRIVATE wafer_engines GTest::gtest_main
                                              nlohmann_json::nlohmann_json)
include(GoogleTest)
gtest_discover_tests(wafer_run_summary_tests DISCOVERY_TIMEOUT 60)

# An output stream that no route can feed is refused at assembly (it would end every run empty).
wafer_cli_error_test(cli.unfed_outstream_refused "unfed_outstream.wasm:10:3: error: output stream 'out' leaves PE\\(0,0\\) east, but no route at PE\\(0,0\\) sends any color east"
  run ${WAFER_CLI_DIR}/unfed_outstream.wasm)
