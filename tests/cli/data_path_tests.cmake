# `wafer run`'s data path (--write, --launch, --read, --outputs all) and its verdicts (no silent success).
# Included from tests/cli/CMakeLists.txt, after wafer_cli_error_test.
add_executable(wafer_make_npy make_npy.cpp)
target_link_libraries(wafer_make_npy PRIVATE wafer_core)

set(WAFER_COPY_GRID ${PROJECT_SOURCE_DIR}/tests/runtime/copy_grid.wasm)
set(WAFER_SHORT ${PROJECT_SOURCE_DIR}/tests/runtime/short_output.wasm)
set(WAFER_NPY_DIR ${CMAKE_CURRENT_BINARY_DIR}/data_path)
file(MAKE_DIRECTORY ${WAFER_NPY_DIR})

# Exact round trips through SRAM: random float32 -> a over RECT -> launch add (b = a + b, b = 0) -> read b,
# byte for byte equal to the input file (the read writes the same shape: (h, w, n) row-, (n, w, h) column-major).
function(wafer_data_path_roundtrip name rect w h order)
  set(dir ${WAFER_NPY_DIR}/${name})
  add_test(NAME cli.data_path_${name} COMMAND sh -c
    "mkdir -p ${dir} && $<TARGET_FILE:wafer_make_npy> ${dir}/in.npy ${w}${h} ${h} ${w} 6 ${order} && \
     $<TARGET_FILE:wafer> run ${WAFER_COPY_GRID} --order ${order} --write a@${rect}=${dir}/in.npy --launch add@${rect} \
       --read b@${rect}=${dir}/out.npy && cmp ${dir}/in.npy ${dir}/out.npy && echo ROUNDTRIP-EXACT")
  set_tests_properties(cli.data_path_${name} PROPERTIES PASS_REGULAR_EXPRESSION "ROUNDTRIP-EXACT")
endfunction()
wafer_data_path_roundtrip(1x1_row 4,5,1x1 1 1 row)
wafer_data_path_roundtrip(1x1_col 4,5,1x1 1 1 col)
wafer_data_path_roundtrip(1x37_row 9,0,1x37 1 37 row)
wafer_data_path_roundtrip(37x1_col 0,9,37x1 37 1 col)
wafer_data_path_roundtrip(7x5_row 3,2,7x5 7 5 row)
wafer_data_path_roundtrip(7x5_col 3,2,7x5 7 5 col)
wafer_data_path_roundtrip(100x100_row 0,0,100x100 100 100 row)
wafer_data_path_roundtrip(100x100_col 0,0,100x100 100 100 col)

# The orders against the SDK's definitions (make_npy writes the same tensor in both): written row-major and
# read column-major gives the column-major file; written column-major and read row-major, the row-major one.
add_test(NAME cli.data_path_orders_agree COMMAND sh -c
  "d=${WAFER_NPY_DIR}/orders && mkdir -p $d && $<TARGET_FILE:wafer_make_npy> $d/row.npy 3 5 7 6 row && \
   $<TARGET_FILE:wafer_make_npy> $d/col.npy 3 5 7 6 col && ! cmp -s $d/row.npy $d/col.npy && \
   $<TARGET_FILE:wafer> run ${WAFER_COPY_GRID} --param GW=9 --param GH=8 --write a@1,2,7x5=$d/row.npy --read a@1,2,7x5:col=$d/row_to_col.npy && \
   $<TARGET_FILE:wafer> run ${WAFER_COPY_GRID} --param GW=9 --param GH=8 --order col --write b@1,2,7x5=$d/col.npy --read b@1,2,7x5:row=$d/col_to_row.npy && \
   cmp $d/col.npy $d/row_to_col.npy && cmp $d/row.npy $d/col_to_row.npy && echo ORDERS-AGREE")
set_tests_properties(cli.data_path_orders_agree PROPERTIES PASS_REGULAR_EXPRESSION "ORDERS-AGREE")

# --outputs all: one .npy per output stream, named after it.
add_test(NAME cli.run_outputs_all COMMAND sh -c
  "d=${WAFER_NPY_DIR}/outputs && rm -rf $d && $<TARGET_FILE:wafer> run ${PROJECT_SOURCE_DIR}/data/programs/gemv.wasm --outputs all --out-dir $d && ls $d")
set_tests_properties(cli.run_outputs_all PROPERTIES PASS_REGULAR_EXPRESSION "y_0.npy.*y_1.npy.*y_2.npy.*y_3.npy")

# No silent success: each failure exits 1 with its message; the boundary passes.
wafer_cli_error_test(cli.run_short_output_fails
  "output stream 'out' received 2 of the 4 wavelets the program expects, and the run ended quiescent"
  run ${WAFER_SHORT} --param SENT=2 --param CAP=4)
add_test(NAME cli.run_full_output_passes COMMAND sh -c "$<TARGET_FILE:wafer> run ${WAFER_SHORT} --param SENT=4 --param CAP=4; echo exit=$?")
set_tests_properties(cli.run_full_output_passes PROPERTIES PASS_REGULAR_EXPRESSION "exit=0")
wafer_cli_error_test(cli.run_cycle_limit_fails
  "cycle limit stopped the run after 100 cycles with work still pending.*--allow-partial"
  run ${WAFER_SHORT} --param SENT=4 --param LOOP=1000 --max-cycles 100)
add_test(NAME cli.run_cycle_limit_allow_partial COMMAND sh -c
  "$<TARGET_FILE:wafer> run ${WAFER_SHORT} --param SENT=4 --param LOOP=1000 --max-cycles 100 --allow-partial; echo exit=$?")
set_tests_properties(cli.run_cycle_limit_allow_partial PROPERTIES PASS_REGULAR_EXPRESSION "cycle limit.*exit=0")

# Bad data-path arguments: the message names what is wrong, exit 1, nothing crashes.
wafer_cli_error_test(cli.run_write_bad_symbol "PE\\(0,0\\) runs kernel 'k', which exports no 'q' \\(it exports: a, b\\)"
  run ${WAFER_COPY_GRID} --param GW=5 --param GH=5 --write q@0,0,1x1=${PROJECT_SOURCE_DIR}/tests/io/fixtures/numpy_f4_1d.npy)
wafer_cli_error_test(cli.run_read_rect_off_grid "--read a@\\(3,0\\) 4x1: rect \\(3,0\\) 4x1 leaves the 5x5 grid"
  run ${WAFER_COPY_GRID} --param GW=5 --param GH=5 --read a@3,0,4x1=${WAFER_NPY_DIR}/never.npy)
wafer_cli_error_test(cli.run_bad_rect_syntax "rect '0,0,4' is not X,Y,WxH"
  run ${WAFER_COPY_GRID} --read a@0,0,4=${WAFER_NPY_DIR}/never.npy)
wafer_cli_error_test(cli.run_bad_order "order 'diag' is not one of: row-major \\(row\\), column-major \\(col\\)"
  run ${WAFER_COPY_GRID} --order diag)
wafer_cli_error_test(cli.run_bad_dtype "--dtype 'f16' is not one of: f32, u32" run ${WAFER_COPY_GRID} --dtype f16)
wafer_cli_error_test(cli.run_launch_unknown_task "no PE runs a kernel with a task 'go' \\(tasks by kernel: k: add, on_data\\)"
  run ${WAFER_COPY_GRID} --param GW=5 --param GH=5 --launch go)
wafer_cli_error_test(cli.run_write_too_many_words "symbol 'a' has 6 words per PE; asked for 7 from offset 0 on rect \\(0,0\\) 1x1"
  run ${WAFER_COPY_GRID} --param GW=5 --param GH=5 --write a@0,0,1x1=${WAFER_NPY_DIR}/seven.npy)
set_tests_properties(cli.run_write_too_many_words PROPERTIES FIXTURES_REQUIRED wafer_seven_npy)
add_test(NAME cli.make_seven_npy COMMAND $<TARGET_FILE:wafer_make_npy> ${WAFER_NPY_DIR}/seven.npy 1 1 1 7)
set_tests_properties(cli.make_seven_npy PROPERTIES FIXTURES_SETUP wafer_seven_npy)
wafer_cli_error_test(cli.run_trap_fails "failed: trap at PE\\(0,0\\) cycle 1: SRAM access out of range"
  run ${PROJECT_SOURCE_DIR}/tests/runtime/trap_or_stall.wasm)
wafer_cli_error_test(cli.run_stall_fails "failed: stall: no progress for 50 cycles"
  run ${PROJECT_SOURCE_DIR}/tests/runtime/trap_or_stall.wasm --param STALL=1 --watchdog 50)

# --input: a stream's values from a file (big-endian float64, rounded to float32), through y = 0.5 x.
set(WAFER_NPY_FIXTURES ${PROJECT_SOURCE_DIR}/tests/io/fixtures)
add_test(NAME cli.run_input_stream COMMAND ${WAFER_BIN} run ${PROJECT_SOURCE_DIR}/data/programs/stream_bandwidth.wasm
         --param N=6 --input in_x=${WAFER_NPY_FIXTURES}/numpy_be_f8_2d.npy)
set_tests_properties(cli.run_input_stream PROPERTIES
  PASS_REGULAR_EXPRESSION "output 'out_y': 6 wavelet\\(s\\) -1.25 -0.75 -0.25 0.25 0.75 1.25\n")
wafer_cli_error_test(cli.run_u32_refuses_fractions "numpy_be_f8_2d.npy: value -2.500000 at index 0 is not a uint32"
  run ${WAFER_COPY_GRID} --param GW=5 --param GH=5 --dtype u32 --write a@0,0,3x2=${WAFER_NPY_FIXTURES}/numpy_be_f8_2d.npy)

# Names travel in the image file: the same round trip on copy_grid assembled to a .wimg first.
add_test(NAME cli.data_path_on_an_image COMMAND sh -c
  "d=${WAFER_NPY_DIR}/image && mkdir -p $d && $<TARGET_FILE:wafer> asm ${WAFER_COPY_GRID} --param GW=7 --param GH=5 -o $d/grid.wimg > /dev/null && \
   $<TARGET_FILE:wafer_make_npy> $d/in.npy 11 5 7 6 row && \
   $<TARGET_FILE:wafer> run $d/grid.wimg --write a@0,0,7x5=$d/in.npy --launch add@0,0,7x5 --read b@0,0,7x5=$d/out.npy && \
   cmp $d/in.npy $d/out.npy && echo IMAGE-ROUNDTRIP-EXACT")
set_tests_properties(cli.data_path_on_an_image PROPERTIES PASS_REGULAR_EXPRESSION "IMAGE-ROUNDTRIP-EXACT")
