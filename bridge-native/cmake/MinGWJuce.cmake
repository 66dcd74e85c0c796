# Debian's JUCE for a MinGW target: its modules expect zlib, libpng and libjpeg from the system. zlib is Debian's
# libz-mingw-w64-dev; libpng and libjpeg have no MinGW packages, so juce_graphics is compiled from
# win/JuceGraphicsMinGW.cpp (the module's parts less its PNG/JPEG loaders) and win/WicImageFormats.cpp (both formats
# through the Windows Imaging Component).
get_target_property(LONGPLAY_GFX_SOURCES juce_graphics INTERFACE_SOURCES)
list(FILTER LONGPLAY_GFX_SOURCES EXCLUDE REGEX "/juce_graphics\\.cpp$")
list(APPEND LONGPLAY_GFX_SOURCES
    "${CMAKE_CURRENT_LIST_DIR}/../win/JuceGraphicsMinGW.cpp"
    "${CMAKE_CURRENT_LIST_DIR}/../win/WicImageFormats.cpp")
set_property(TARGET juce_graphics PROPERTY INTERFACE_SOURCES "${LONGPLAY_GFX_SOURCES}")
target_link_libraries(juce_graphics INTERFACE windowscodecs ole32 oleaut32 uuid)
find_library(LONGPLAY_MINGW_ZLIB NAMES libz.a z REQUIRED)
target_link_libraries(juce_core INTERFACE "${LONGPLAY_MINGW_ZLIB}")
