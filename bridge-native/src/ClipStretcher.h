#pragma once
// Time-stretch and pitch-shift of a whole clip with the Rubber Band Library (offline mode: a study pass over
// the clip, then the processing pass), for clip slots that follow the host's tempo and a per-slot pitch.
// Runs on the client thread only (it allocates and takes as long as it takes), never on the audio thread.
#include <juce_audio_basics/juce_audio_basics.h>

namespace longplay {

/**
 * The clip `in` made timeRatio times as long (2 = twice as long: half the tempo) and pitchSemitones higher,
 * at the same sample rate. Ratio 1 and pitch 0 return a plain copy (bit for bit), and so does every call in a
 * build without Rubber Band (LONGPLAY_HAVE_RUBBERBAND=0).
 */
juce::AudioBuffer<float> stretchClip(const juce::AudioBuffer<float>& in, double sampleRate, double timeRatio,
                                     double pitchSemitones);

}  // namespace longplay
