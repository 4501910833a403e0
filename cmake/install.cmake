# `cmake --install`: the wafer CLI, the host API's headers and static libraries, the Python module, and a
# CMake package so that a user's project links the runtime with one line, whichever engines were built:
#
#   find_package(wafer REQUIRED)
#   target_link_libraries(app PRIVATE wafer::wafer)
#
# wafer::wafer is the host runtime (host/runtime/runtime.h) with the engine table, the CPU engine and, when
# it was built, the CUDA engine. Included from the top-level CMakeLists.txt after every library target.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# wafer::wafer: one name for the runtime and everything under it (the executable already owns `wafer`).
add_library(wafer_sdk INTERFACE)
target_link_libraries(wafer_sdk INTERFACE wafer_runtime)
set_target_properties(wafer_sdk PROPERTIES EXPORT_NAME wafer)
add_library(wafer::wafer ALIAS wafer_sdk)

# The emulated device (WAFER_CUDA=EMULATED) is a test build of the CUDA engine's host code: nothing to install.
if(WAFER_CUDA_EMULATED)
  return()
endif()

# Installed headers keep the source layout (#include "host/runtime/runtime.h"); in the build tree the
# include path is the source tree, installed it is include/.
foreach(lib wafer_core wafer_cuda)
  if(TARGET ${lib})
    set_property(TARGET ${lib} PROPERTY INTERFACE_INCLUDE_DIRECTORIES
                 "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>" "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  endif()
endforeach()

set(wafer_exported wafer_sdk wafer_runtime wafer_engines wafer_core)
if(TARGET wafer_cuda)
  list(APPEND wafer_exported wafer_cuda wafer_cuda_flags)  # flags: a private link of wafer_cuda
endif()
install(TARGETS ${wafer_exported} EXPORT waferTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS wafer RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir model image engine asm io kernels runtime)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/host/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/host
          FILES_MATCHING PATTERN "*.h")
endforeach()
if(TARGET wafer_python)
  # PYTHONPATH=<prefix>/lib/wafer/python
  install(TARGETS wafer_python LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/wafer/python)
endif()

set(wafer_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wafer)
install(EXPORT waferTargets NAMESPACE wafer:: DESTINATION ${wafer_config_dir})
set(WAFER_PACKAGE_HAS_CUDA ${WAFER_HAVE_CUDA})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/waferConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/waferConfig.cmake INSTALL_DESTINATION ${wafer_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/waferConfigVersion.cmake VERSION 0.1.0
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/waferConfig.cmake ${PROJECT_BINARY_DIR}/waferConfigVersion.cmake
        DESTINATION ${wafer_config_dir})
