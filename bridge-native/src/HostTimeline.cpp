#include "HostTimeline.h"
#include <algorithm>
#include <cmath>

namespace longplay {

namespace {
// A reported PPQ further than this from the prediction is a move of the transport, not quantisation or
// jitter (Ardour's quantum is 1/1920 beat; a hundredth of a beat is ~20 quanta).
constexpr double kJumpBeats = 0.01;
}  // namespace

double HostTimeline::rawBeatAt(int64_t s, double sampleRate) const noexcept {
    return segBeat + static_cast<double>(s - segSample) * bpm / 60.0 / sampleRate;
}

void HostTimeline::startSegment(int64_t s, double beat, double bpmNow) noexcept {
    segSample = s;
    segBeat = beat;
    bpm = bpmNow;
    minResidual = maxResidual = 0;
    count = 0;
}

Transport HostTimeline::advance(const PlayHeadReading& reading, int numSamples, double sampleRate,
                                WhenUnknown whenUnknown, double fallbackBpm) noexcept {
    PlayHeadReading r = reading;
    Transport t;
    if (sampleRate <= 0) return t;
    bool jumped = false;
    if (!r.present) {
        if (!known) {
            if (whenUnknown == WhenUnknown::stopped) {
                t.bpm = fallbackBpm;
                return t;  // never seen the transport: stopped
            }
            known = true;
            playing = true;
            hostSamples = false;
            next = 0;
            startSegment(0, 0.0, fallbackBpm > 0 ? fallbackBpm : 120.0);
            jumped = true;
        }
        // Carry on from the last reading: the host only speaks when something changes.
    } else {
        const int64_t expected = next;
        const bool wasKnown = known;
        if (r.hasSamples && r.hasPpq && known && playing && r.playing && r.samples == lastHostSamples
            && r.ppq - lastHostPpq > 1e-6) {
            samplesStuck = true;
        }
        lastHostSamples = r.samples;
        lastHostPpq = r.ppq;
        if (samplesStuck) r.hasSamples = false;  // from here on, as if the host had given no sample position
        const double bpmNow = r.bpm > 0 ? r.bpm : (known ? bpm : (fallbackBpm > 0 ? fallbackBpm : 120.0));
        const int64_t s = r.hasSamples ? r.samples : (known ? expected : 0);
        playing = r.playing;
        hostSamples = r.hasSamples;
        sigNumerator = std::max(1, r.sigNumerator);
        sigDenominator = std::max(1, r.sigDenominator);
        known = true;
        jumped = !wasKnown || s != expected;
        double predicted = jumped ? 0.0 : rawBeatAt(s, sampleRate);
        if (!jumped && r.hasPpq && std::abs(r.ppq - (predicted + gridOffset())) > kJumpBeats) jumped = true;
        if (jumped) {
            startSegment(s, r.hasPpq ? r.ppq : (wasKnown ? rawBeatAt(s, sampleRate) + gridOffset() : 0.0), bpmNow);
        } else if (bpmNow != bpm) {
            // A new tempo from here: the grid carries on from where the old one had got to.
            startSegment(s, predicted + gridOffset(), bpmNow);
        }
        if (r.hasPpq) {
            const double residual = r.ppq - rawBeatAt(s, sampleRate);
            minResidual = count == 0 ? residual : std::min(minResidual, residual);
            maxResidual = count == 0 ? residual : std::max(maxResidual, residual);
            ++count;
        }
        next = s;
    }
    t.playing = playing;
    t.sample = next;
    t.hostSamples = hostSamples;
    t.ppq = rawBeatAt(next, sampleRate) + gridOffset();
    t.bpm = bpm;
    t.sigNumerator = sigNumerator;
    t.sigDenominator = sigDenominator;
    t.jumped = jumped;
    t.gridExact = count < 2 || maxResidual - minResidual < 1e-7;
    if (playing) next += numSamples;
    return t;
}

}  // namespace longplay
