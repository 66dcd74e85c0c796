#pragma once
// Records the plugin's input for N bars from the next bar line while the transport plays, into a buffer
// allocated before the audio thread needs it; a background thread copies the finished take, then releases it.
// The audio thread and that thread hand the buffer back and forth through one atomic state: idle -> armed
// (any thread) -> recording -> done (audio thread) -> idle (background thread, after its copy).
#include "ClipPlayer.h"
#include <atomic>

namespace longplay {

class InputRecorder {
public:
    /** A finished take: frames of audio at sampleRate, exactly the bars asked for at the tempo they were played. */
    struct Take {
        juce::AudioBuffer<float> audio;
        int frames = 0;
        double sampleRate = 0;
    };

    /** Message thread (prepareToPlay): sizes the buffer for up to maxSeconds at sampleRate (allocates). */
    void prepare(double sampleRate, int channels, double maxSeconds);
    /** Any thread: record the next `bars` bars (the audio thread starts at the next bar line). */
    void arm(int bars);
    bool isArmed() const { return state.load() == armed || state.load() == recording; }
    /** Any thread: true once a take is complete, until release(). */
    bool hasTake() const { return state.load(std::memory_order_acquire) == done; }
    /** Background thread, while hasTake(): a copy of the take (allocates). */
    Take copyTake() const;
    /** Background thread: lets the audio thread record again. */
    void release();

    /** Audio thread: no allocation, no locks; copies this block's frames that fall inside the wanted bars. */
    void capture(const juce::AudioBuffer<float>& in, int numSamples, const Transport& t, double sampleRate) noexcept;

private:
    enum State { idle, armed, recording, done };
    std::atomic<int> state{idle};
    std::atomic<int> barsWanted{0};
    juce::AudioBuffer<float> buffer;
    int written = 0;
    int target = 0;
    double startPpq = 0;
    double rate = 0;
};

}  // namespace longplay
