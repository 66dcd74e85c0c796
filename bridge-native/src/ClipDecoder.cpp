#include "ClipDecoder.h"

namespace longplay {

bool decodeWav(const juce::MemoryBlock& wav, DecodedAudio& out, juce::String& error) {
    juce::WavAudioFormat format;
    std::unique_ptr<juce::AudioFormatReader> reader(
            format.createReaderFor(new juce::MemoryInputStream(wav, false), true));
    if (reader == nullptr) {
        error = "the clip is not a WAV file the plugin can read";
        return false;
    }
    if (reader->lengthInSamples <= 0 || reader->lengthInSamples > std::numeric_limits<int>::max() / 2
            || reader->numChannels == 0 || reader->sampleRate <= 0) {
        error = "the clip's WAV header is out of range";
        return false;
    }
    const int n = static_cast<int>(reader->lengthInSamples);
    out.audio.setSize(static_cast<int>(reader->numChannels), n);
    out.sampleRate = reader->sampleRate;
    reader->read(&out.audio, 0, n, 0, true, true);
    return true;
}

juce::AudioBuffer<float> resample(const DecodedAudio& in, double targetRate) {
    if (std::abs(in.sampleRate - targetRate) < 1e-6) {
        return in.audio;
    }
    const double ratio = in.sampleRate / targetRate;  // input samples per output sample
    const int outFrames = static_cast<int>(std::floor(in.audio.getNumSamples() / ratio));
    juce::AudioBuffer<float> out(in.audio.getNumChannels(), std::max(0, outFrames));
    // The interpolator delays its output by its base latency (in input samples): start that far into the
    // input so the first output frame is the clip's first frame, and the clip stays on the beat.
    const int latency = static_cast<int>(juce::LagrangeInterpolator::getBaseLatency());
    const int available = in.audio.getNumSamples() - latency;
    out.clear();
    for (int ch = 0; ch < in.audio.getNumChannels() && available > 0; ++ch) {
        juce::LagrangeInterpolator interpolator;
        interpolator.process(ratio, in.audio.getReadPointer(ch) + latency, out.getWritePointer(ch), outFrames,
                             available, 0);
    }
    return out;
}

juce::MemoryBlock encodeWav(const juce::AudioBuffer<float>& audio, int numSamples, double sampleRate) {
    juce::MemoryBlock block;
    {
        juce::WavAudioFormat format;
        std::unique_ptr<juce::AudioFormatWriter> writer(format.createWriterFor(
                new juce::MemoryOutputStream(block, false), sampleRate,
                static_cast<unsigned int>(audio.getNumChannels()), 16, {}, 0));
        if (writer != nullptr) {
            writer->writeFromAudioSampleBuffer(audio, 0, numSamples);
        }
    }
    return block;
}

}  // namespace longplay
