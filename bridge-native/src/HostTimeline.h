#pragma once
// Turns what a host's play head says each block into one continuous, sample-exact timeline.
//
// Hosts differ in what they report: Ardour gives the exact sample position but quantises the musical position
// (PPQ) to 1/1920 beat; JUCE's LV2 wrapper reports nothing at all between two time:Position events; the
// standalone build has no play head. Deriving every sample from the reported PPQ turns that quantisation into
// a jump at each block boundary. Here the sample position drives time (a block follows the previous one
// exactly unless the host's sample position, or its PPQ by more than a tolerance, says it moved), and the
// reported PPQ only places the beat grid on it: within a stretch of constant tempo the grid's offset is the
// centre of the spread of the reported PPQs around the predicted ones, which converges on the true grid for
// a host that rounds or jitters symmetrically. Audio thread only; no allocation.
#include <cmath>
#include <cstdint>

namespace longplay {

/** What the play head said for one block; `present` false: it said nothing (no play head, or no position). */
struct PlayHeadReading {
    bool present = false;
    bool playing = false;
    bool hasSamples = false;
    int64_t samples = 0;
    bool hasPpq = false;
    double ppq = 0;
    double bpm = 0;  // <= 0: not given
    int sigNumerator = 4;
    int sigDenominator = 4;
};

/** The transport for one block, as the timeline resolved it. */
struct Transport {
    bool playing = false;
    /** The timeline's sample position of the block's first sample (the host's own when it gives one). */
    int64_t sample = 0;
    /** True when `sample` is the host's (so it survives locates and reopening the project). */
    bool hostSamples = false;
    /** The musical position (quarter notes) of the block's first sample, on the refined beat grid. */
    double ppq = 0;
    double bpm = 120;
    int sigNumerator = 4;
    int sigDenominator = 4;
    /** The position moved by other than the previous block's length (start, locate, loop). */
    bool jumped = false;
    /**
     * The host's PPQs so far fall exactly on the grid (no rounding seen): a grid line's sample is then the first
     * one at or after it; on a grid estimated from rounded PPQs it is the nearest one.
     */
    bool gridExact = true;

    /** The host sample for a musical position `ppq` (quarter notes) on this block's grid. */
    int64_t sampleAt(double ppqWanted, double sampleRate) const {
        const double x = (ppqWanted - ppq) / beatsPerSample(sampleRate);
        return sample + static_cast<int64_t>(gridExact ? std::ceil(x - 1e-6) : std::llround(x));
    }

    double beatsPerSample(double sampleRate) const { return bpm / 60.0 / sampleRate; }
};

class HostTimeline {
public:
    /** What to do while the host has never said where it is. */
    enum class WhenUnknown {
        stopped,  // a plugin in a host: silence until the transport is seen (LV2 hosts that never roll)
        freeRun   // the standalone build: a 4/4 clock that plays from its start
    };

    /**
     * One block: `r` is what the play head said (if anything); without a reading the timeline carries on
     * from the last one (frames elapsed at the last tempo while playing, standing still while stopped).
     */
    Transport advance(const PlayHeadReading& r, int numSamples, double sampleRate, WhenUnknown whenUnknown,
                      double fallbackBpm) noexcept;

    /** Forgets everything (the next reading starts a new timeline). */
    void reset() noexcept { known = false; samplesStuck = false; }

private:
    double rawBeatAt(int64_t s, double sampleRate) const noexcept;
    double gridOffset() const noexcept { return count > 0 ? 0.5 * (minResidual + maxResidual) : 0.0; }
    void startSegment(int64_t s, double beat, double bpmNow) noexcept;

    bool known = false;
    bool playing = false;
    // A host whose sample position stands still while it plays and its PPQ moves (JUCE's VST3 host when its own
    // play head gives no time in samples reports 0) is timed from its PPQ alone.
    bool samplesStuck = false;
    int64_t lastHostSamples = 0;
    double lastHostPpq = 0;
    bool hostSamples = false;
    int64_t next = 0;  // the sample where the next block should start
    int64_t segSample = 0;
    double segBeat = 0;
    double bpm = 120;
    int sigNumerator = 4;
    int sigDenominator = 4;
    // Spread of (reported PPQ - predicted PPQ) in the current stretch of constant tempo.
    double minResidual = 0, maxResidual = 0;
    int count = 0;
};

}  // namespace longplay
