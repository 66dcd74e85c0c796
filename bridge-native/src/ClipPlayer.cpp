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
            // A sample position saved with the project is exact; it only means something on the host's own timeline.
            anchorPlaced = anchorFixed = c->anchorSample >= 0 && !std::isnan(anchor);
            anchorSample = anchorPlaced ? c->anchorSample : 0;
            anchorSampleOut.store(anchorPlaced ? anchorSample : -1, std::memory_order_relaxed);
        }
    }
    out.clear(0, numSamples);
    if (current == nullptr || !t.playing || t.bpm <= 0 || sampleRate <= 0) {
        return;
    }
    if (anchorFixed && !t.hostSamples && (t.jumped || current->anchorSample >= 0)) {
        // A timeline of our own making restarts at a jump: place the anchor again from its PPQ.
        anchorFixed = anchorPlaced = false;
        current->anchorSample = -1;
    }
    if (std::isnan(anchor)) {
        // A loop always starts on a bar line, so its restarts fall on the bar grid too.
        const double bar = t.sigNumerator * 4.0 / std::max(1, t.sigDenominator);
        double q = quantum.load(std::memory_order_relaxed) == StartQuantum::bar || current->loopBeats > 0 ? bar : 1.0;
        // A position a hair past a boundary (floating point) still counts as on it.
        anchor = std::ceil(t.ppq / q - 1e-9) * q;
        anchorOut.store(anchor, std::memory_order_relaxed);
    }
    const double beatsPerSample = t.beatsPerSample(sampleRate);
    if (!anchorFixed) {
        // The anchor's sample on the best beat grid so far, refined every block until playback reaches it (the
        // grid gets more exact as the host's PPQs come in).
        anchorSample = t.sampleAt(anchor, sampleRate);
        anchorPlaced = true;
        anchorFixed = anchorSample < t.sample + numSamples;
        anchorSampleOut.store(t.hostSamples ? anchorSample : -1, std::memory_order_relaxed);
    }
    const int frames = current->audio.getNumSamples();
    const int clipChannels = current->audio.getNumChannels();
    if (frames < 2 || clipChannels == 0) {
        return;
    }
    const int64_t first = anchorSample - t.sample;  // the block's index of the clip's first frame (may be < 0)
    if (first >= numSamples) {
        return;
    }
    const int from = static_cast<int>(std::max<int64_t>(0, first));
    for (int ch = 0; ch < out.getNumChannels(); ++ch) {
        const float* src = current->audio.getReadPointer(std::min(ch, clipChannels - 1));
        float* dst = out.getWritePointer(ch);
        if (current->loopBeats <= 0) {
            // One-shot: one clip frame per host sample from the anchor on.
            for (int i = from; i < numSamples; ++i) {
                const int64_t frame = t.sample + i - anchorSample;
                if (frame >= frames) break;
                dst[i] = src[frame];
            }
            continue;
        }
        // Tempo-locked loop: it spans loopBeats of the host's beats whatever its tempo, and restarts at
        // anchor + k * loopBeats (a hair below a boundary, by rounding, counts as on it).
        const double framesPerBeat = frames / current->loopBeats;
        for (int i = from; i < numSamples; ++i) {
            double offset = std::max(0.0, t.ppq + i * beatsPerSample - anchor);
            if (i == first) offset = 0;  // the loop's head on the anchor's sample exactly
            offset = std::fmod(offset, current->loopBeats);
            if (current->loopBeats - offset < 1e-9) offset = 0;
            double pos = offset * framesPerBeat;
            int i0 = static_cast<int>(pos);
            if (i0 >= frames) continue;
            double frac = pos - i0;
            int i1 = i0 + 1 < frames ? i0 + 1 : 0;
            dst[i] = static_cast<float>(src[i0] + (src[i1] - src[i0]) * frac);
        }
    }
}

}  // namespace longplay
