#include "ClipPlayer.h"
#include <cmath>

namespace longplay {

ClipPlayer::~ClipPlayer() {
    delete incoming.exchange(nullptr);
    delete retired.exchange(nullptr);
    delete current;
}

void ClipPlayer::offer(std::unique_ptr<Clip> clip) {
    // Whoever swaps a pointer out owns it, so an offer that was never taken is freed here, not twice.
    delete incoming.exchange(clip.release(), std::memory_order_acq_rel);
}

void ClipPlayer::collectGarbage() {
    delete retired.exchange(nullptr, std::memory_order_acq_rel);
}

void ClipPlayer::render(juce::AudioBuffer<float>& out, int numSamples, const Transport& t, double sampleRate) noexcept {
    // Take a new clip only when the previous one has been collected: the audio thread never frees memory.
    if (incoming.load(std::memory_order_relaxed) != nullptr && retired.load(std::memory_order_acquire) == nullptr) {
        if (Clip* c = incoming.exchange(nullptr, std::memory_order_acq_rel)) {
            retired.store(current, std::memory_order_release);
            current = c;
            anchor = c->anchorPpq;
            anchorOut.store(anchor, std::memory_order_relaxed);
        }
    }
    out.clear(0, numSamples);
    if (current == nullptr || !t.playing || t.bpm <= 0 || sampleRate <= 0) {
        return;
    }
    if (std::isnan(anchor)) {
        // A loop always starts on a bar line, so its restarts fall on the bar grid too.
        const double bar = t.sigNumerator * 4.0 / std::max(1, t.sigDenominator);
        double q = quantum.load(std::memory_order_relaxed) == StartQuantum::bar || current->loopBeats > 0 ? bar : 1.0;
        // A position a hair past a boundary (floating point) still counts as on it.
        anchor = std::ceil(t.ppq / q - 1e-9) * q;
        anchorOut.store(anchor, std::memory_order_relaxed);
    }
    const int frames = current->audio.getNumSamples();
    const int clipChannels = current->audio.getNumChannels();
    if (frames < 2 || clipChannels == 0) {
        return;
    }
    const double beatsPerSample = t.bpm / 60.0 / sampleRate;
    const double framesPerBeat = current->loopBeats > 0 ? frames / current->loopBeats : 60.0 / t.bpm * sampleRate;
    for (int ch = 0; ch < out.getNumChannels(); ++ch) {
        const float* src = current->audio.getReadPointer(std::min(ch, clipChannels - 1));
        float* dst = out.getWritePointer(ch);
        for (int i = 0; i < numSamples; ++i) {
            double offset = t.ppq + i * beatsPerSample - anchor;
            if (offset < -1e-9) {
                continue;
            }
            offset = std::max(0.0, offset);
            if (current->loopBeats > 0) {
                // Tempo-locked: the loop spans loopBeats of the host's beats whatever its tempo, and restarts
                // at anchor + k * loopBeats (a hair below a boundary, by rounding, counts as on it).
                offset = std::fmod(offset, current->loopBeats);
                if (current->loopBeats - offset < 1e-9) offset = 0;
            }
            double pos = offset * framesPerBeat;
            int i0 = static_cast<int>(pos);
            if (i0 >= frames) {
                continue;
            }
            double frac = pos - i0;
            int i1 = i0 + 1 < frames ? i0 + 1 : (current->loopBeats > 0 ? 0 : i0);
            dst[i] = static_cast<float>(src[i0] + (src[i1] - src[i0]) * frac);
        }
    }
}

}  // namespace longplay
