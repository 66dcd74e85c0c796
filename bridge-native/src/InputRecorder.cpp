#include "InputRecorder.h"
#include <cmath>

namespace longplay {

void InputRecorder::prepare(double sampleRate, int channels, double maxSeconds) {
    state.store(idle);
    // Keeps the memory when it is big enough: a background thread may still be copying a finished take.
    buffer.setSize(std::max(1, channels), static_cast<int>(sampleRate * maxSeconds), false, false, true);
    buffer.clear();
    written = 0;
    rate = sampleRate;
}

void InputRecorder::arm(int bars) {
    barsWanted.store(std::max(1, bars));
    int expected = idle;
    state.compare_exchange_strong(expected, armed);
}

InputRecorder::Take InputRecorder::copyTake() const {
    Take t;
    if (state.load(std::memory_order_acquire) != done) {
        return t;
    }
    t.frames = written;
    t.sampleRate = rate;
    t.audio.setSize(buffer.getNumChannels(), std::max(1, written));
    for (int ch = 0; ch < buffer.getNumChannels(); ++ch) {
        t.audio.copyFrom(ch, 0, buffer, ch, 0, written);
    }
    return t;
}

void InputRecorder::release() {
    int expected = done;
    state.compare_exchange_strong(expected, idle, std::memory_order_acq_rel);
}

void InputRecorder::capture(const juce::AudioBuffer<float>& in, int numSamples, const Transport& t,
                            double sampleRate) noexcept {
    int s = state.load(std::memory_order_acquire);
    if ((s != armed && s != recording) || !t.playing || t.bpm <= 0 || in.getNumChannels() == 0) {
        return;
    }
    const double barBeats = t.sigNumerator * 4.0 / std::max(1, t.sigDenominator);
    const double beatsPerSample = t.bpm / 60.0 / sampleRate;
    if (s == armed) {
        // The take starts at the next bar line and lasts the wanted bars at the tempo playing now.
        startPpq = std::ceil(t.ppq / barBeats - 1e-9) * barBeats;
        double seconds = barsWanted.load() * barBeats * 60.0 / t.bpm;
        target = std::min(buffer.getNumSamples(), static_cast<int>(std::lround(seconds * sampleRate)));
        written = 0;
        rate = sampleRate;
        state.store(recording, std::memory_order_relaxed);
    }
    // The first frame of this block at or after the start (the same rounding as the clip player's anchor).
    int first = static_cast<int>(std::ceil((startPpq - t.ppq) / beatsPerSample - 1e-9));
    first = std::max(0, first);
    if (first >= numSamples) {
        return;
    }
    int n = std::min(numSamples - first, target - written);
    for (int ch = 0; ch < buffer.getNumChannels(); ++ch) {
        buffer.copyFrom(ch, written, in, std::min(ch, in.getNumChannels() - 1), first, n);
    }
    written += n;
    if (written >= target) {
        state.store(done, std::memory_order_release);
    }
}

}  // namespace longplay
