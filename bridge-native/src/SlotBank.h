#pragma once
// The instrument side of the plugin: eight clip slots that MIDI notes trigger. Note kBaseNote + k (C3 = 60 upward)
// plays slot k, starting at the next beat or bar line of the host's timeline after the note (as the "Start at"
// setting says), at a gain from its velocity and the slot's gain, panned by the slot's pan; one-shot (the clip
// to its end) or gated (until the note-off). The clip in each slot has already been resampled to the host's rate,
// stretched to the host's tempo and pitch-shifted off the audio thread; a slot re-rendered for a new tempo while it
// plays carries on from the same fraction of the clip. Audio thread: no allocation, lock or wait; clips come and
// go through atomic pointer hand-offs as in ClipPlayer.
#include "HostTimeline.h"
#include <juce_audio_basics/juce_audio_basics.h>
#include <array>
#include <atomic>
#include <memory>

namespace longplay {

/** One slot's audio as the audio thread plays it: at the host's rate, tempo and the slot's pitch. */
struct SlotAudio {
    juce::AudioBuffer<float> audio;
};

class SlotBank {
public:
    static constexpr int kSlots = 8;
    static constexpr int kBaseNote = 60;

    SlotBank() = default;
    ~SlotBank();
    SlotBank(const SlotBank&) = delete;
    SlotBank& operator=(const SlotBank&) = delete;

    /** Any thread but the audio thread: slot `slot` plays this audio from its next trigger (or carries on). */
    void offer(int slot, std::unique_ptr<SlotAudio> audio);
    /** Any thread but the audio thread: frees what the audio thread let go of. */
    void collectGarbage();
    /** True while some offered audio has not reached the audio thread yet. */
    bool hasPending() const;

    /** The slot's mix settings as plain values (dB, -1..1), read on the audio thread each block. */
    void setMixSources(int slot, std::atomic<float>* gainDb, std::atomic<float>* pan) {
        gainSource[static_cast<size_t>(slot)] = gainDb;
        panSource[static_cast<size_t>(slot)] = pan;
    }

    /**
     * Audio thread: adds the slots' voices for this block into out (which it does not clear), starting voices for
     * the MIDI notes in `midi`. quantumBeats: 1 = next beat, else next bar; gated: note-offs stop the voice.
     */
    void render(juce::AudioBuffer<float>& out, int numSamples, const juce::MidiBuffer& midi, const Transport& t,
                double sampleRate, bool nextBar, bool gated) noexcept;

private:
    struct Voice {
        bool active = false;
        int64_t start = 0;   // host sample of the clip's first frame
        double startPpq = -1;  // its grid line (>= 0 while the voice waits: placed again on each block's grid)
        int64_t stop = -1;   // host sample where a gated voice ends (-1: plays to the clip's end)
        float velocity = 1;
    };
    struct Slot {
        std::atomic<SlotAudio*> incoming{nullptr};
        std::atomic<SlotAudio*> retired{nullptr};
        SlotAudio* current = nullptr;  // audio thread only
        Voice voice, next;            // next: a voice waiting for its start sample
    };
    void renderVoice(Slot& s, const Voice& v, juce::AudioBuffer<float>& out, int from, int to, const Transport& t,
                     float gain, float pan) noexcept;

    std::array<Slot, kSlots> slots;
    std::array<std::atomic<float>*, kSlots> gainSource{};
    std::array<std::atomic<float>*, kSlots> panSource{};
};

}  // namespace longplay
