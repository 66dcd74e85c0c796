// JUCE's PNGImageFormat and JPEGImageFormat for the MinGW build, through the Windows Imaging Component (the
// codecs every Windows has) instead of libpng/libjpeg, which Debian's JUCE expects from the system and Debian
// does not package for MinGW (JuceGraphicsMinGW.cpp leaves JUCE's own loaders out). JUCE's ARGB images are
// premultiplied BGRA in memory on x86, WIC's 32bppPBGRA: decoded pixels are copied as they are.
#include <juce_graphics/juce_graphics.h>
#include <windows.h>
#include <wincodec.h>

namespace juce {
namespace {

/** Owns one COM reference. */
template <class T>
struct ComRef {
    T* p = nullptr;
    ComRef() = default;
    ComRef(const ComRef&) = delete;
    ComRef& operator=(const ComRef&) = delete;
    ~ComRef() { if (p != nullptr) p->Release(); }
    T** put() { return &p; }
    T* operator->() const { return p; }
    explicit operator bool() const { return p != nullptr; }
};

/** COM on this thread for the scope (JUCE's message thread may have it already, in either model). */
struct ComScope {
    HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    ~ComScope() { if (SUCCEEDED(hr)) CoUninitialize(); }
};

bool factory(ComRef<IWICImagingFactory>& f) {
    return SUCCEEDED(CoCreateInstance(CLSID_WICImagingFactory, nullptr, CLSCTX_INPROC_SERVER, IID_IWICImagingFactory,
                                      reinterpret_cast<void**>(f.put())));
}

bool startsWith(InputStream& in, const uint8* magic, int n) {
    uint8 head[8] = {};
    return in.read(head, n) == n && std::memcmp(head, magic, (size_t) n) == 0;
}

/** The first frame of a PNG or JPEG file (the container WIC reports must be `container`), or a null image. */
Image decodeWith(InputStream& in, const GUID& container) {
    MemoryBlock bytes;
    in.readIntoMemoryBlock(bytes);
    if (bytes.getSize() == 0 || bytes.getSize() > 0x7fffffff) return {};
    ComScope com;
    ComRef<IWICImagingFactory> f;
    ComRef<IWICStream> stream;
    ComRef<IWICBitmapDecoder> decoder;
    ComRef<IWICBitmapFrameDecode> frame;
    ComRef<IWICBitmapSource> pbgra;
    GUID got{};
    UINT w = 0, h = 0;
    if (!factory(f) || FAILED(f->CreateStream(stream.put()))
        || FAILED(stream->InitializeFromMemory(static_cast<BYTE*>(bytes.getData()), (DWORD) bytes.getSize()))
        || FAILED(f->CreateDecoderFromStream(stream.p, nullptr, WICDecodeMetadataCacheOnDemand, decoder.put()))
        || FAILED(decoder->GetContainerFormat(&got)) || !IsEqualGUID(got, container)
        || FAILED(decoder->GetFrame(0, frame.put()))
        || FAILED(WICConvertBitmapSource(GUID_WICPixelFormat32bppPBGRA, frame.p, pbgra.put()))
        || FAILED(pbgra->GetSize(&w, &h)) || w == 0 || h == 0 || w > 32768 || h > 32768)
        return {};
    Image image(Image::ARGB, (int) w, (int) h, false);
    Image::BitmapData pixels(image, Image::BitmapData::writeOnly);
    if (pixels.pixelStride != 4 || pixels.lineStride <= 0
        || FAILED(pbgra->CopyPixels(nullptr, (UINT) pixels.lineStride, (UINT) (pixels.lineStride * (int) h), pixels.data)))
        return {};
    return image;
}

/**
 * Encodes `image` as `container` (PNG: 32-bit BGRA with straight alpha; JPEG: 24-bit BGR at `quality` 0..1, or
 * WIC's default when negative) and writes the file to `out`.
 */
bool encodeWith(const Image& image, OutputStream& out, const GUID& container, float quality) {
    if (!image.isValid()) return false;
    const bool png = IsEqualGUID(container, GUID_ContainerFormatPng);
    const int w = image.getWidth(), h = image.getHeight();
    const int bpp = png ? 4 : 3;
    HeapBlock<uint8> rows((size_t) w * (size_t) h * (size_t) bpp);
    const Image::BitmapData src(image, Image::BitmapData::readOnly);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const Colour c = src.getPixelColour(x, y);  // straight (not premultiplied) alpha
            uint8* d = rows + ((size_t) y * (size_t) w + (size_t) x) * (size_t) bpp;
            d[0] = c.getBlue(); d[1] = c.getGreen(); d[2] = c.getRed();
            if (png) d[3] = c.getAlpha();
        }
    ComScope com;
    ComRef<IWICImagingFactory> f;
    ComRef<IStream> stream;
    ComRef<IWICBitmapEncoder> encoder;
    ComRef<IWICBitmapFrameEncode> frame;
    ComRef<IPropertyBag2> options;
    if (!factory(f) || FAILED(CreateStreamOnHGlobal(nullptr, TRUE, stream.put()))
        || FAILED(f->CreateEncoder(container, nullptr, encoder.put()))
        || FAILED(encoder->Initialize(stream.p, WICBitmapEncoderNoCache))
        || FAILED(encoder->CreateNewFrame(frame.put(), options.put())))
        return false;
    if (!png && quality >= 0.0f) {
        PROPBAG2 name{};
        name.pstrName = const_cast<LPOLESTR>(L"ImageQuality");
        VARIANT value;
        VariantInit(&value);
        value.vt = VT_R4;
        value.fltVal = jlimit(0.0f, 1.0f, quality);
        options->Write(1, &name, &value);
    }
    WICPixelFormatGUID format = png ? GUID_WICPixelFormat32bppBGRA : GUID_WICPixelFormat24bppBGR;
    if (FAILED(frame->Initialize(options.p)) || FAILED(frame->SetSize((UINT) w, (UINT) h))
        || FAILED(frame->SetPixelFormat(&format))
        || !IsEqualGUID(format, png ? GUID_WICPixelFormat32bppBGRA : GUID_WICPixelFormat24bppBGR)
        || FAILED(frame->WritePixels((UINT) h, (UINT) (w * bpp), (UINT) (w * bpp * h), rows.get()))
        || FAILED(frame->Commit()) || FAILED(encoder->Commit()))
        return false;
    ULARGE_INTEGER size{};
    LARGE_INTEGER zero{};
    HGLOBAL memory = nullptr;
    if (FAILED(stream->Seek(zero, STREAM_SEEK_CUR, &size)) || FAILED(GetHGlobalFromStream(stream.p, &memory)))
        return false;
    const void* data = GlobalLock(memory);
    const bool ok = data != nullptr && out.write(data, (size_t) size.QuadPart);
    GlobalUnlock(memory);
    return ok;
}

const uint8 pngMagic[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
const uint8 jpegMagic[] = {0xff, 0xd8, 0xff};

}  // namespace

PNGImageFormat::PNGImageFormat() {}
PNGImageFormat::~PNGImageFormat() {}
String PNGImageFormat::getFormatName() { return "PNG"; }
bool PNGImageFormat::usesFileExtension(const File& f) { return f.hasFileExtension("png"); }
bool PNGImageFormat::canUnderstand(InputStream& in) { return startsWith(in, pngMagic, 8); }
Image PNGImageFormat::decodeImage(InputStream& in) { return decodeWith(in, GUID_ContainerFormatPng); }
bool PNGImageFormat::writeImageToStream(const Image& image, OutputStream& out) {
    return encodeWith(image, out, GUID_ContainerFormatPng, -1.0f);
}

JPEGImageFormat::JPEGImageFormat() : quality(-1.0f) {}
JPEGImageFormat::~JPEGImageFormat() {}
void JPEGImageFormat::setQuality(float newQuality) { quality = newQuality; }
String JPEGImageFormat::getFormatName() { return "JPEG"; }
bool JPEGImageFormat::usesFileExtension(const File& f) { return f.hasFileExtension("jpeg;jpg"); }
bool JPEGImageFormat::canUnderstand(InputStream& in) { return startsWith(in, jpegMagic, 3); }
Image JPEGImageFormat::decodeImage(InputStream& in) { return decodeWith(in, GUID_ContainerFormatJpeg); }
bool JPEGImageFormat::writeImageToStream(const Image& image, OutputStream& out) {
    return encodeWith(image, out, GUID_ContainerFormatJpeg, quality);
}

}  // namespace juce
