#pragma once
// WAV bytes -> float audio at the host's rate. Runs on background threads only (it allocates).
#include <juce_audio_formats/juce_audio_formats.h>

namespace longplay {

struct DecodedAudio {
    juce::AudioBuffer<float> audio;
    double sampleRate = 0;
};

/** Decodes a WAV file held in memory; false (and a message) if it is not one. */
bool decodeWav(const juce::MemoryBlock& wav, DecodedAudio& out, juce::String& error);

/** Resamples to targetRate (band-limited Lagrange interpolation); a copy when the rates already match. */
juce::AudioBuffer<float> resample(const DecodedAudio& in, double targetRate);

/** Encodes float audio as a 16-bit PCM WAV, for uploads. */
juce::MemoryBlock encodeWav(const juce::AudioBuffer<float>& audio, int numSamples, double sampleRate);

}  // namespace longplay
