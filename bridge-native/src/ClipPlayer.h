#pragma once
// Plays one clip into the host's output, anchored to a bar (or beat) of the host's timeline: the anchor is
// chosen on the beat grid and placed on the sample timeline once; from there a one-shot clip advances one frame
// per host sample (so nothing the host rounds in its musical position can shift it), and a tempo-locked loop
// follows the timeline's beats.
// The audio thread never allocates, locks or waits here: new clips arrive through an atomic pointer
// hand-off, and the clip they replace goes back through a second one for another thread to free.
#include "HostTimeline.h"
#include <juce_audio_basics/juce_audio_basics.h>
#include <atomic>
#include <memory>

namespace longplay {

/** Decoded clip audio at the host's sample rate, with where it sits on the timeline. */
struct Clip {
    juce::String id;
    juce::AudioBuffer<float> audio;
    double sampleRate = 0;
    /** > 0: a tempo-locked loop this many quarter notes long; 0: played once at the host's tempo. */
    double loopBeats = 0;
    /** Where the clip starts in quarter notes; NaN: at the next bar (or beat) once the transport plays. */
    double anchorPpq = std::numeric_limits<double>::quiet_NaN();
    /** The host's sample position of the anchor when known (a saved project), else -1: placed from the PPQ. */
    int64_t anchorSample = -1;
};

enum class StartQuantum { bar, beat };

class ClipPlayer {
public:
    ClipPlayer() = default;
    ~ClipPlayer();
    ClipPlayer(const ClipPlayer&) = delete;
    ClipPlayer& operator=(const ClipPlayer&) = delete;

    /** Any thread but the audio thread: the next block plays this clip instead of the current one. */
    void offer(std::unique_ptr<Clip> clip);
    /** Any thread but the audio thread: frees clips the audio thread has let go of. */
    void collectGarbage();
    /** True while an offered clip has not reached the audio thread yet. */
    bool hasPending() const { return incoming.load(std::memory_order_acquire) != nullptr; }

    void setQuantum(StartQuantum q) { quantum.store(q, std::memory_order_relaxed); }
    /** The anchor the audio thread chose for the current clip (NaN while none); for state and tests. */
    double currentAnchor() const { return anchorOut.load(std::memory_order_relaxed); }
    /** The host's sample position of that anchor (-1 while none, or while the host gives no sample position). */
    int64_t currentAnchorSample() const { return anchorSampleOut.load(std::memory_order_relaxed); }

    /** Audio thread: writes the clip's frames for this block into out (all channels), silence elsewhere. */
    void render(juce::AudioBuffer<float>& out, int numSamples, const Transport& t, double sampleRate) noexcept;

private:
    std::atomic<Clip*> incoming{nullptr};
    std::atomic<Clip*> retired{nullptr};
    std::atomic<StartQuantum> quantum{StartQuantum::bar};
    std::atomic<double> anchorOut{std::numeric_limits<double>::quiet_NaN()};
    std::atomic<int64_t> anchorSampleOut{-1};
    // Audio thread only:
    Clip* current = nullptr;
    double anchor = std::numeric_limits<double>::quiet_NaN();
    int64_t anchorSample = 0;
    bool anchorPlaced = false;  // anchorSample holds the anchor on this timeline
    bool anchorFixed = false;   // it no longer moves: playback reached it, or it came from the project
};

}  // namespace longplay
