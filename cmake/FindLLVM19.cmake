# Finds Debian's (or any shared-libLLVM) LLVM 19 for passlm and its test plugin.
# Debian's LLVMConfigVersion.cmake accepts only an exact major.minor, so
# find_package(LLVM 19) rejects 19.1.7: look it up unversioned, check by hand.
find_program(PASSLM_LLVM_CONFIG NAMES llvm-config-19 llvm-config)
if(PASSLM_LLVM_CONFIG AND NOT LLVM_DIR)
  execute_process(COMMAND "${PASSLM_LLVM_CONFIG}" --cmakedir
                  OUTPUT_VARIABLE LLVM_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
endif()
find_package(LLVM CONFIG QUIET HINTS /usr/lib/llvm-19/lib/cmake/llvm)
if(NOT LLVM_FOUND OR NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR
    "passlm needs LLVM 19 (found: '${LLVM_PACKAGE_VERSION}'). On Debian 12:\n"
    "  sudo apt-get install -y llvm-19-dev clang-19 lld-19 llvm-19-tools\n"
    "or pass -DLLVM_DIR=<prefix>/lib/cmake/llvm of an LLVM 19 build.")
endif()
if(NOT LLVM_LINK_LLVM_DYLIB)
  # Static LLVM libraries inside a plugin abort opt ("registered more than once").
  message(FATAL_ERROR "passlm needs an LLVM 19 built with the shared libLLVM "
                      "(LLVM_LINK_LLVM_DYLIB); ${LLVM_DIR} is not.")
endif()
set(LLVM19_FOUND TRUE)
