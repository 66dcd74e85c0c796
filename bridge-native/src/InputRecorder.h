#pragma once
// Records the plugin's input for N bars from the next bar line while the transport plays, into a buffer
// allocated before the audio thread needs it; a background thread takes the finished take.
#include "ClipPlayer.h"
#include <atomic>

namespace longplay {

class InputRecorder {
public:
    /** Message thread: sizes the buffer for up to maxSeconds at sampleRate (allocates). */
    void prepare(double sampleRate, int channels, double maxSeconds);
    /** Any thread: record the next `bars` bars (the audio thread starts at the next bar line). */
    void arm(int bars);
    bool isArmed() const { return state.load() == armed || state.load() == recording; }
    /** Any thread: true once a take is complete; copy it with take(), then the recorder is idle again. */
    bool hasTake() const { return state.load(std::memory_order_acquire) == done; }
    int take(juce::AudioBuffer<float>& dest);

    /** Audio thread. */
    void capture(const juce::AudioBuffer<float>& in, int numSamples, const Transport& t, double sampleRate) noexcept;

private:
    enum State { idle, armed, recording, done };
    std::atomic<int> state{idle};
    std::atomic<int> barsWanted{0};
    juce::AudioBuffer<float> buffer;
    int written = 0;
    int target = 0;
    double startPpq = 0;
};

}  // namespace longplay
