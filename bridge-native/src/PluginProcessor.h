#pragma once
// The Longplay plugin: a thin client of the Longplay server. The model never runs in the DAW; this
// processor asks the server for clips (background thread), and plays them aligned to the host's bars.
#include "ClipDecoder.h"
#include "ClipPlayer.h"
#include "HostTimeline.h"
#include "InputRecorder.h"
#include "ServerClient.h"
#include "SlotBank.h"
#include <juce_audio_processors/juce_audio_processors.h>

namespace longplay {

/** A clip the plugin knows: its server id, content hash and local copy (for drag-out and restore). */
struct ClipEntry {
    juce::String id;
    juce::String sha256;
    juce::File file;
    double loopBeats = 0;
    double bpm = 0;  // the tempo a bars-mode clip was made at (0: a clip in seconds)
    juce::String label;
};

class LongplayProcessor : public juce::AudioProcessor, private juce::AudioProcessorValueTreeState::Listener {
public:
    LongplayProcessor();
    ~LongplayProcessor() override;

    void prepareToPlay(double sampleRate, int samplesPerBlock) override;
    void releaseResources() override {}
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override;
    void processBlock(juce::AudioBuffer<float>&, juce::MidiBuffer&) override;
    using AudioProcessor::processBlock;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }
    const juce::String getName() const override { return "Longplay"; }
    bool acceptsMidi() const override { return true; }  // notes trigger the clip slots
    bool producesMidi() const override { return false; }
    double getTailLengthSeconds() const override { return 0; }
    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}
    void getStateInformation(juce::MemoryBlock& destData) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    // Editor and housekeeping side (never the audio thread).
    juce::AudioProcessorValueTreeState params;
    void setText(const juce::Identifier& key, const juce::String& value);
    juce::String text(const juce::Identifier& key) const;
    void requestGenerate(const juce::String& mode);
    void requestStyleTransferFromInput();
    bool isCapturing() const;
    std::vector<ClipEntry> clipList() const;
    void playClip(const juce::String& id);
    ServerClient& client() { return *server; }
    /** Puts a known clip into a slot (0-based); the client thread renders it for the host's rate, tempo and pitch. */
    void assignSlot(int slot, const juce::String& clipId);

private:
    void parameterChanged(const juce::String& id, float value) override;
    void tick();
    void onClip(ClipResult r);
    void offerClip(const ClipEntry& e, const DecodedAudio& audio, double anchorPpq, int64_t anchorSample);
    GenerateRequest buildRequest(const juce::String& mode) const;
    Transport readTransport(int numSamples) noexcept;
    void renderSlots();

    /** A slot's source clip and what its playing audio was rendered for (client thread, under stateLock). */
    struct SlotSource {
        juce::String clipId;
        DecodedAudio audio;
        double sourceBpm = 0;  // the tempo the clip was made at (bars mode); 0: none, never stretched
        double renderedRate = 0, renderedBpm = 0, renderedPitch = 0;
    };

    std::unique_ptr<ServerClient> server;
    ClipPlayer player;
    SlotBank slotBank;
    std::array<SlotSource, SlotBank::kSlots> slotSources;
    std::atomic<bool> slotsDirty{false};  // a slot waits to be rendered (an offline bounce waits for it)
    std::array<std::atomic<float>*, SlotBank::kSlots> slotPitch{};
    std::atomic<float>* slotMode = nullptr;
    std::atomic<float>* newClipSlot = nullptr;
    std::atomic<float>* slotsOnly = nullptr;
    std::atomic<float>* quantumParam = nullptr;
    InputRecorder recorder;

    mutable juce::CriticalSection stateLock;  // texts, clip list, decoded audio; never the audio thread
    juce::NamedValueSet texts;
    std::vector<ClipEntry> clips;
    juce::String currentClipId;
    DecodedAudio currentAudio;     // the current clip at its own rate, to resample when the host's rate changes
    double currentLoopBeats = 0;
    double offeredRate = 0;

    std::atomic<double> hostRate{0};
    std::atomic<bool> generateRequested{false};
    std::atomic<bool> restoring{false};
    std::atomic<bool> requestedContinue{false};  // the next job continues the current clip (else text)
    juce::WaitableEvent clipArrived;
    juce::NamedValueSet restoreAnchors;  // clip id -> anchor PPQ, for clips restored from the server
    juce::NamedValueSet restoreAnchorSamples;  // clip id -> anchor sample (as text; -1: none)
    std::atomic<double> lastBpm{120.0};
    const int offlineWaitMs = juce::SystemStats::getEnvironmentVariable("LONGPLAY_OFFLINE_WAIT_S", "120").getIntValue() * 1000;

    HostTimeline timeline;  // audio thread only
    bool generateParamWasOn = false;
    bool styleParamWasOn = false;
    std::atomic<float>* captureBars = nullptr;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(LongplayProcessor)
};

}  // namespace longplay
