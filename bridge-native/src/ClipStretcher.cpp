#include "ClipStretcher.h"
#if LONGPLAY_HAVE_RUBBERBAND
#include <rubberband/RubberBandStretcher.h>
#endif
#include <cmath>
#include <vector>

namespace longplay {

#if ! LONGPLAY_HAVE_RUBBERBAND
// A build without Rubber Band (MinGW: Debian packages none for Windows) plays clips at their own tempo and pitch.
juce::AudioBuffer<float> stretchClip(const juce::AudioBuffer<float>& in, double, double, double) {
    return juce::AudioBuffer<float>(in);
}
#else

juce::AudioBuffer<float> stretchClip(const juce::AudioBuffer<float>& in, double sampleRate, double timeRatio,
                                     double pitchSemitones) {
    const int channels = in.getNumChannels();
    const int frames = in.getNumSamples();
    if ((std::abs(timeRatio - 1.0) < 1e-9 && std::abs(pitchSemitones) < 1e-9) || channels == 0 || frames == 0
        || timeRatio <= 0) {
        return juce::AudioBuffer<float>(in);
    }
    using RB = RubberBand::RubberBandStretcher;
    RB rb(static_cast<size_t>(sampleRate), static_cast<size_t>(channels),
          RB::OptionProcessOffline | RB::OptionEngineFiner, timeRatio, std::pow(2.0, pitchSemitones / 12.0));
    rb.setExpectedInputDuration(static_cast<size_t>(frames));
    const size_t chunk = 4096;
    rb.setMaxProcessSize(chunk);
    std::vector<const float*> inPtr(static_cast<size_t>(channels));
    // Offline mode: the whole clip is studied first (so the stretch is the same throughout), then processed.
    for (int pos = 0; pos < frames; pos += static_cast<int>(chunk)) {
        const int n = std::min(static_cast<int>(chunk), frames - pos);
        for (int ch = 0; ch < channels; ++ch) inPtr[static_cast<size_t>(ch)] = in.getReadPointer(ch, pos);
        rb.study(inPtr.data(), static_cast<size_t>(n), pos + n >= frames);
    }
    const int expected = static_cast<int>(std::lround(frames * timeRatio));
    juce::AudioBuffer<float> out(channels, std::max(1, expected));
    out.clear();
    int written = 0;
    std::vector<float*> outPtr(static_cast<size_t>(channels));
    auto drain = [&] {
        for (int avail = rb.available(); avail > 0; avail = rb.available()) {
            if (written + avail > out.getNumSamples()) out.setSize(channels, written + avail, true, true);
            for (int ch = 0; ch < channels; ++ch) outPtr[static_cast<size_t>(ch)] = out.getWritePointer(ch, written);
            written += static_cast<int>(rb.retrieve(outPtr.data(), static_cast<size_t>(avail)));
        }
    };
    for (int pos = 0; pos < frames; pos += static_cast<int>(chunk)) {
        const int n = std::min(static_cast<int>(chunk), frames - pos);
        for (int ch = 0; ch < channels; ++ch) inPtr[static_cast<size_t>(ch)] = in.getReadPointer(ch, pos);
        rb.process(inPtr.data(), static_cast<size_t>(n), pos + n >= frames);
        drain();
    }
    drain();  // available() is -1 once everything has been retrieved after the final block
    out.setSize(channels, std::max(1, written), true, true);
    return out;
}
#endif

}  // namespace longplay
