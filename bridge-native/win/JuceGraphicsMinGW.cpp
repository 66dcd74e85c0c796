// juce_graphics for the MinGW build, in place of the module's own juce_graphics.cpp: the same parts in the same
// order, less its PNG and JPEG loaders. Debian's JUCE builds those against the system's libpng and libjpeg, which
// Debian does not package for MinGW; WicImageFormats.cpp implements both formats with Windows' own codecs (WIC).
// Keep in step with juce_graphics.cpp of the JUCE version in use (7.0.5).
#ifdef JUCE_GRAPHICS_H_INCLUDED
 #error "JuceGraphicsMinGW.cpp must be compiled on its own, like the module's juce_graphics.cpp"
#endif
#if ! JUCE_MINGW && ! defined (__MINGW32__)
 #error "JuceGraphicsMinGW.cpp is for the MinGW build only"
#endif

#define JUCE_CORE_INCLUDE_OBJC_HELPERS 1
#define JUCE_CORE_INCLUDE_COM_SMART_PTR 1
#define JUCE_CORE_INCLUDE_JNI_HELPERS 1
#define JUCE_CORE_INCLUDE_NATIVE_HEADERS 1
#define JUCE_GRAPHICS_INCLUDE_COREGRAPHICS_HELPERS 1

#include <juce_graphics/juce_graphics.h>

// MinGW has no DirectWrite support in JUCE 7 (GDI fonts are used), so neither d2d1.h nor dwrite.h is needed.
#undef JUCE_USE_DIRECTWRITE
#include <malloc.h>
#include <cstdio>

#undef SIZEOF
#define JUCE_USING_COREIMAGE_LOADER 0

#include <juce_graphics/colour/juce_Colour.cpp>
#include <juce_graphics/colour/juce_ColourGradient.cpp>
#include <juce_graphics/colour/juce_Colours.cpp>
#include <juce_graphics/colour/juce_FillType.cpp>
#include <juce_graphics/geometry/juce_AffineTransform.cpp>
#include <juce_graphics/geometry/juce_EdgeTable.cpp>
#include <juce_graphics/geometry/juce_Path.cpp>
#include <juce_graphics/geometry/juce_PathIterator.cpp>
#include <juce_graphics/geometry/juce_PathStrokeType.cpp>
#include <juce_graphics/placement/juce_RectanglePlacement.cpp>
#include <juce_graphics/contexts/juce_GraphicsContext.cpp>
#include <juce_graphics/contexts/juce_LowLevelGraphicsPostScriptRenderer.cpp>
#include <juce_graphics/contexts/juce_LowLevelGraphicsSoftwareRenderer.cpp>
#include <juce_graphics/images/juce_Image.cpp>
#include <juce_graphics/images/juce_ImageCache.cpp>
#include <juce_graphics/images/juce_ImageConvolutionKernel.cpp>
#include <juce_graphics/images/juce_ImageFileFormat.cpp>
#include <juce_graphics/image_formats/juce_GIFLoader.cpp>
#include <juce_graphics/fonts/juce_AttributedString.cpp>
#include <juce_graphics/fonts/juce_Typeface.cpp>
#include <juce_graphics/fonts/juce_CustomTypeface.cpp>
#include <juce_graphics/fonts/juce_Font.cpp>
#include <juce_graphics/fonts/juce_GlyphArrangement.cpp>
#include <juce_graphics/fonts/juce_TextLayout.cpp>
#include <juce_graphics/effects/juce_DropShadowEffect.cpp>
#include <juce_graphics/effects/juce_GlowEffect.cpp>

#include <juce_graphics/native/juce_win32_DirectWriteTypeface.cpp>
#include <juce_graphics/native/juce_win32_DirectWriteTypeLayout.cpp>
#include <juce_graphics/native/juce_win32_Fonts.cpp>
#include <juce_graphics/native/juce_win32_IconHelpers.cpp>
