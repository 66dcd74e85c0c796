# Cross-builds the plugin and its test host for 64-bit Windows with Debian's MinGW-w64 (package mingw-w64):
#   cmake -S bridge-native -B bridge-native/build-win -DCMAKE_TOOLCHAIN_FILE=bridge-native/cmake/mingw-w64-x86_64.cmake
# The POSIX-threads flavour of the compilers is the one whose libstdc++ has std::thread and std::mutex.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(LONGPLAY_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${LONGPLAY_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${LONGPLAY_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${LONGPLAY_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${LONGPLAY_MINGW_PREFIX})
# Programs (the build's own tools) come from the build machine; libraries and headers only from the target's root.
# JUCE's CMake package is platform independent (module sources, plus juceaide built for the build machine), so
# packages are looked up on the build machine too.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Debian installs JUCE's package under the build machine's multiarch folder, which a Windows target never searches.
if(NOT JUCE_DIR)
    file(GLOB LONGPLAY_JUCE_DIRS "/usr/lib/*-linux-gnu/cmake/JUCE-*")
    if(LONGPLAY_JUCE_DIRS)
        list(GET LONGPLAY_JUCE_DIRS 0 LONGPLAY_JUCE_DIR)
        set(JUCE_DIR "${LONGPLAY_JUCE_DIR}" CACHE PATH "JUCE's CMake package (juceaide runs on the build machine)")
    endif()
endif()
# A Windows user has no MinGW runtime DLLs: link libgcc, libstdc++ and winpthread into each binary.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static")
# Tests run the Windows binaries under wine.
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
# pkg-config must not hand the build machine's Linux libraries to the Windows link (rubberband, for one).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/${LONGPLAY_MINGW_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
