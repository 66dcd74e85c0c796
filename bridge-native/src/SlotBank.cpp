#include "SlotBank.h"
#include <cmath>

namespace longplay {

SlotBank::~SlotBank() {
    for (auto& s : slots) {
        delete s.incoming.exchange(nullptr);
        delete s.retired.exchange(nullptr);
        delete s.current;
    }
}

void SlotBank::offer(int slot, std::unique_ptr<SlotAudio> audio) {
    if (slot < 0 || slot >= kSlots) return;
    delete slots[static_cast<size_t>(slot)].incoming.exchange(audio.release(), std::memory_order_acq_rel);
}

void SlotBank::collectGarbage() {
    for (auto& s : slots) delete s.retired.exchange(nullptr, std::memory_order_acq_rel);
}

bool SlotBank::hasPending() const {
    for (auto& s : slots)
        if (s.incoming.load(std::memory_order_acquire) != nullptr) return true;
    return false;
}

void SlotBank::renderVoice(Slot& s, const Voice& v, juce::AudioBuffer<float>& out, int from, int to,
                           const Transport& t, float gain, float pan) noexcept {
    if (!v.active || s.current == nullptr || from >= to) return;
    const auto& audio = s.current->audio;
    const int frames = audio.getNumSamples();
    const int clipChannels = audio.getNumChannels();
    if (frames == 0 || clipChannels == 0) return;
    for (int ch = 0; ch < out.getNumChannels(); ++ch) {
        // Balance: the centre leaves both sides at unity; -1 silences the right, +1 the left.
        float side = out.getNumChannels() < 2 ? 1.0f : (ch == 0 ? std::min(1.0f, 1.0f - pan) : std::min(1.0f, 1.0f + pan));
        const float g = gain * v.velocity * side;
        if (g == 0.0f) continue;
        const float* src = audio.getReadPointer(std::min(ch, clipChannels - 1));
        float* dst = out.getWritePointer(ch);
        for (int i = from; i < to; ++i) {
            const int64_t sample = t.sample + i;
            if (v.stop >= 0 && sample >= v.stop) break;
            const int64_t frame = sample - v.start;
            if (frame < 0) continue;
            if (frame >= frames) break;
            dst[i] += g * src[frame];
        }
    }
}

void SlotBank::render(juce::AudioBuffer<float>& out, int numSamples, const juce::MidiBuffer& midi, const Transport& t,
                      double sampleRate, bool nextBar, bool gated) noexcept {
    for (auto& s : slots) {
        if (s.incoming.load(std::memory_order_relaxed) == nullptr || s.retired.load(std::memory_order_acquire) != nullptr)
            continue;
        if (SlotAudio* a = s.incoming.exchange(nullptr, std::memory_order_acq_rel)) {
            // Re-rendered (a new tempo or pitch) while playing: carry on from the same fraction of the clip.
            if (s.current != nullptr && s.voice.active && s.current->audio.getNumSamples() > 0) {
                const double scale = static_cast<double>(a->audio.getNumSamples()) / s.current->audio.getNumSamples();
                const int64_t played = t.sample - s.voice.start;
                if (played > 0) s.voice.start = t.sample - static_cast<int64_t>(std::llround(played * scale));
            }
            s.retired.store(s.current, std::memory_order_release);
            s.current = a;
        }
    }
    if (!t.playing || sampleRate <= 0 || t.bpm <= 0) {
        for (auto& s : slots) s.voice.active = s.next.active = false;  // a stopped transport silences every slot
        return;
    }
    const double beatsPerSample = t.beatsPerSample(sampleRate);
    const double quantum = nextBar ? t.sigNumerator * 4.0 / std::max(1, t.sigDenominator) : 1.0;
    for (const auto meta : midi) {
        const auto m = meta.getMessage();
        const int slot = m.getNoteNumber() - kBaseNote;
        if ((!m.isNoteOn() && !m.isNoteOff()) || slot < 0 || slot >= kSlots) continue;
        Slot& s = slots[static_cast<size_t>(slot)];
        const int64_t at = t.sample + meta.samplePosition;
        if (m.isNoteOn()) {
            // The next beat (bar) line at or after the note, placed on the samples as ClipPlayer places its anchor.
            const double notePpq = t.ppq + meta.samplePosition * beatsPerSample;
            const double startPpq = std::ceil(notePpq / quantum - 1e-9) * quantum;
            Voice v;
            v.active = true;
            v.start = t.sampleAt(startPpq, sampleRate);
            v.startPpq = startPpq;
            v.velocity = m.getFloatVelocity();
            s.next = v;
        } else if (gated) {
            if (s.next.active && s.next.stop < 0) s.next.stop = at;  // at or before its start: it stays silent
            if (s.voice.active && s.voice.stop < 0) s.voice.stop = std::max(at, s.voice.start);
        }
    }
    for (size_t k = 0; k < slots.size(); ++k) {
        Slot& s = slots[k];
        const float gain = gainSource[k] != nullptr ? juce::Decibels::decibelsToGain(gainSource[k]->load(), -60.0f) : 1.0f;
        const float pan = panSource[k] != nullptr ? juce::jlimit(-1.0f, 1.0f, panSource[k]->load()) : 0.0f;
        int split = numSamples;
        // A waiting voice's start follows the grid as it is refined (a host that rounds its PPQ gives a grid that
        // settles over the first blocks after a start): placed on this block's grid until it begins.
        if (s.next.active && s.next.startPpq >= 0) {
            s.next.start = t.sampleAt(s.next.startPpq, sampleRate);
        }
        if (s.next.active && s.next.start < t.sample + numSamples) {
            split = static_cast<int>(std::max<int64_t>(0, s.next.start - t.sample));
        }
        renderVoice(s, s.voice, out, 0, split, t, gain, pan);
        if (split < numSamples) {
            s.voice = s.next;  // a new note on this slot takes over from its start sample
            s.next.active = false;
            renderVoice(s, s.voice, out, split, numSamples, t, gain, pan);
        }
        if (s.voice.active && s.current != nullptr
            && (t.sample + numSamples >= s.voice.start + s.current->audio.getNumSamples()
                || (s.voice.stop >= 0 && t.sample + numSamples >= s.voice.stop))) {
            s.voice.active = false;  // played out
        }
    }
}

}  // namespace longplay
