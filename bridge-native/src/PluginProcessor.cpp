#include "PluginProcessor.h"
#include "PluginEditor.h"
#include "ClipStretcher.h"
#include <juce_cryptography/juce_cryptography.h>
#include <cmath>

namespace longplay {

namespace {
const juce::Identifier kPrompt{"prompt"}, kPreset{"preset"}, kModel{"model"}, kServerCmd{"serverCommand"};

juce::String env(const char* name, const juce::String& fallback) {
    auto v = juce::SystemStats::getEnvironmentVariable(name, {});
    return v.isNotEmpty() ? v : fallback;
}

juce::File defaultTokenFile() {
    auto explicitFile = env("LONGPLAY_TOKEN_FILE", {});
    if (explicitFile.isNotEmpty()) return juce::File(explicitFile);
    auto xdg = env("XDG_CONFIG_HOME", juce::File::getSpecialLocation(juce::File::userHomeDirectory)
                                              .getChildFile(".config").getFullPathName());
    return juce::File(xdg).getChildFile("longplay").getChildFile("token");
}

juce::File clipCacheDir() {
    auto dir = env("LONGPLAY_CLIP_CACHE", juce::File::getSpecialLocation(juce::File::userHomeDirectory)
                                                  .getChildFile(".cache/longplay/plugin-clips").getFullPathName());
    return juce::File(dir);
}

juce::AudioProcessorValueTreeState::ParameterLayout layout() {
    using namespace juce;
    AudioProcessorValueTreeState::ParameterLayout l;
    l.add(std::make_unique<AudioParameterFloat>(ParameterID{"seconds", 1}, "Seconds", NormalisableRange<float>(1.0f, 47.0f, 0.5f), 8.0f));
    l.add(std::make_unique<AudioParameterInt>(ParameterID{"bars", 1}, "Bars (0 = seconds)", 0, 32, 0));
    l.add(std::make_unique<AudioParameterInt>(ParameterID{"seed", 1}, "Seed (-1 = random)", -1, 1000000, -1));
    l.add(std::make_unique<AudioParameterFloat>(ParameterID{"cfg", 1}, "CFG (0 = preset)", NormalisableRange<float>(0.0f, 15.0f, 0.1f), 0.0f));
    l.add(std::make_unique<AudioParameterInt>(ParameterID{"steps", 1}, "Steps (0 = preset)", 0, 250, 0));
    l.add(std::make_unique<AudioParameterChoice>(ParameterID{"quantum", 1}, "Start at", StringArray{"next bar", "next beat"}, 0));
    l.add(std::make_unique<AudioParameterBool>(ParameterID{"loop", 1}, "Loop (bars mode)", true));
    l.add(std::make_unique<AudioParameterInt>(ParameterID{"captureBars", 1}, "Capture bars", 1, 16, 2));
    // A trigger a host can automate: each off->on edge asks the server for a clip.
    l.add(std::make_unique<AudioParameterBool>(ParameterID{"generate", 1}, "Generate", false));
    // The same for style transfer: records the input for "Capture bars" bars from the next bar line.
    l.add(std::make_unique<AudioParameterBool>(ParameterID{"styleTransfer", 1}, "Style transfer from input", false));
    // Saves the clips' audio in the project itself (restores without the server or the local cache).
    l.add(std::make_unique<AudioParameterBool>(ParameterID{"embed", 1}, "Embed audio in project", false));
    // The instrument: clip slots that MIDI notes C3 (60) upward trigger.
    // Off by default: a host that resets parameters it cannot read to 0 (Ardour, LV2) leaves the timeline playing.
    l.add(std::make_unique<AudioParameterBool>(ParameterID{"slotsOnly", 1}, "Slots only (timeline muted)", false));
    l.add(std::make_unique<AudioParameterInt>(ParameterID{"newClipSlot", 1}, "New clips to slot (0 = none)", 0, SlotBank::kSlots, 1));
    l.add(std::make_unique<AudioParameterChoice>(ParameterID{"slotMode", 1}, "Slot notes", StringArray{"one-shot", "gated"}, 0));
    for (int k = 1; k <= SlotBank::kSlots; ++k) {
        const String n(k);
        l.add(std::make_unique<AudioParameterFloat>(ParameterID{"slot" + n + "Gain", 1}, "Slot " + n + " gain dB",
                                                    NormalisableRange<float>(-60.0f, 12.0f, 0.1f), 0.0f));
        l.add(std::make_unique<AudioParameterFloat>(ParameterID{"slot" + n + "Pan", 1}, "Slot " + n + " pan",
                                                    NormalisableRange<float>(-1.0f, 1.0f, 0.01f), 0.0f));
        l.add(std::make_unique<AudioParameterFloat>(ParameterID{"slot" + n + "Pitch", 1}, "Slot " + n + " pitch",
                                                    NormalisableRange<float>(-12.0f, 12.0f, 0.01f), 0.0f));
    }
    return l;
}
}  // namespace

LongplayProcessor::LongplayProcessor()
        : AudioProcessor(BusesProperties()
                                 .withInput("Input", juce::AudioChannelSet::stereo(), true)
                                 .withOutput("Output", juce::AudioChannelSet::stereo(), true)),
          params(*this, nullptr, "Longplay", layout()) {
    texts.set(kPrompt, "warm analog pad, slow chords");
    texts.set(kPreset, "");
    texts.set(kModel, "");
    texts.set(kServerCmd, env("LONGPLAY_SERVER_CMD", {}));
    captureBars = params.getRawParameterValue("captureBars");  // looked up once: the lookup allocates
    for (int k = 0; k < SlotBank::kSlots; ++k) {
        const juce::String n(k + 1);
        slotBank.setMixSources(k, params.getRawParameterValue("slot" + n + "Gain"), params.getRawParameterValue("slot" + n + "Pan"));
        slotPitch[static_cast<size_t>(k)] = params.getRawParameterValue("slot" + n + "Pitch");
    }
    slotMode = params.getRawParameterValue("slotMode");
    newClipSlot = params.getRawParameterValue("newClipSlot");
    slotsOnly = params.getRawParameterValue("slotsOnly");
    quantumParam = params.getRawParameterValue("quantum");
    params.addParameterListener("generate", this);
    params.addParameterListener("styleTransfer", this);
    params.addParameterListener("quantum", this);
    server = std::make_unique<ServerClient>(env("LONGPLAY_URL", "http://127.0.0.1:7860"), defaultTokenFile(),
                                            texts[kServerCmd].toString());
    server->onClip = [this](ClipResult r) { onClip(std::move(r)); };
    server->onTick = [this] { tick(); };
}

LongplayProcessor::~LongplayProcessor() {
    server.reset();  // stops its thread before anything it calls back into goes away
}

bool LongplayProcessor::isBusesLayoutSupported(const BusesLayout& layouts) const {
    auto out = layouts.getMainOutputChannelSet();
    if (out != juce::AudioChannelSet::stereo() && out != juce::AudioChannelSet::mono()) return false;
    auto in = layouts.getMainInputChannelSet();
    return in.isDisabled() || in == juce::AudioChannelSet::stereo() || in == juce::AudioChannelSet::mono();
}

void LongplayProcessor::prepareToPlay(double sampleRate, int) {
    hostRate.store(sampleRate);
    recorder.prepare(sampleRate, std::max(1, getTotalNumInputChannels()), 64.0);
    server->poke();  // the clip is resampled for the new rate off this thread
}

void LongplayProcessor::parameterChanged(const juce::String& id, float value) {
    // May be called on the audio thread: only set flags here.
    if (id == "generate") {
        bool on = value >= 0.5f;
        if (on && !generateParamWasOn && !restoring.load()) {  // reopening a project must not start a job
            requestedContinue.store(false);
            generateRequested.store(true);  // the client thread picks it up within a quarter second
        }
        generateParamWasOn = on;
    } else if (id == "styleTransfer") {
        bool on = value >= 0.5f;
        if (on && !styleParamWasOn && !restoring.load()) {
            recorder.arm(static_cast<int>(captureBars->load()));  // atomics only: this may be the audio thread
        }
        styleParamWasOn = on;
    } else if (id == "quantum") {
        player.setQuantum(value >= 0.5f ? StartQuantum::beat : StartQuantum::bar);
    }
}

void LongplayProcessor::setText(const juce::Identifier& key, const juce::String& value) {
    const juce::ScopedLock sl(stateLock);
    texts.set(key, value);
    if (key == kServerCmd) server->setServerCommand(value);
}

juce::String LongplayProcessor::text(const juce::Identifier& key) const {
    const juce::ScopedLock sl(stateLock);
    return texts[key].toString();
}

void LongplayProcessor::requestGenerate(const juce::String& mode) {
    requestedContinue.store(mode == "continue");
    generateRequested.store(true);
    server->poke();
}

void LongplayProcessor::requestStyleTransferFromInput() {
    recorder.arm(static_cast<int>(*params.getRawParameterValue("captureBars")));
}

bool LongplayProcessor::isCapturing() const { return recorder.isArmed(); }

GenerateRequest LongplayProcessor::buildRequest(const juce::String& mode) const {
    GenerateRequest r;
    const juce::ScopedLock sl(stateLock);
    r.mode = mode;
    r.prompt = texts[kPrompt].toString();
    r.preset = texts[kPreset].toString();
    r.model = texts[kModel].toString();
    int bars = static_cast<int>(*params.getRawParameterValue("bars"));
    if (bars > 0 && mode == "text") {
        r.mode = "loop";  // the server makes a clip exactly that many 4/4 bars long at the host's tempo
        r.bars = bars;
        r.bpm = lastBpm.load();
    } else {
        r.seconds = *params.getRawParameterValue("seconds");
    }
    r.seed = static_cast<int>(*params.getRawParameterValue("seed"));
    r.steps = static_cast<int>(*params.getRawParameterValue("steps"));
    r.cfg = *params.getRawParameterValue("cfg");
    if (mode == "continue") r.initClip = currentClipId;
    return r;
}

void LongplayProcessor::tick() {
    player.collectGarbage();
    slotBank.collectGarbage();
    renderSlots();
    if (generateRequested.load()) {
        const juce::String mode = requestedContinue.load() ? "continue" : "text";
        // Count the job as pending before clearing the flag, so an offline render never sees neither.
        server->generate(buildRequest(mode));
        generateRequested.store(false);
    }
    if (recorder.hasTake()) {
        // The recorded bars go to the server as they are; the new clip is as long as they are.
        GenerateRequest r = buildRequest("audio_to_audio");
        InputRecorder::Take take = recorder.copyTake();
        if (take.frames > 0 && take.sampleRate > 0) {
            r.initWav = encodeWav(take.audio, take.frames, take.sampleRate);
            r.seconds = take.frames / take.sampleRate;
            server->generate(std::move(r));  // counts as pending before the recorder lets the take go
        }
        recorder.release();
    }
    // The host changed its sample rate: resample the current clip for it, keeping its place on the timeline.
    const double rate = hostRate.load();
    const juce::ScopedLock sl(stateLock);
    if (rate > 0 && currentAudio.sampleRate > 0 && std::abs(rate - offeredRate) > 1e-6) {
        ClipEntry e;
        e.id = currentClipId;
        e.loopBeats = currentLoopBeats;
        offerClip(e, currentAudio, player.currentAnchor(), -1);
    }
}

void LongplayProcessor::offerClip(const ClipEntry& e, const DecodedAudio& audio, double anchorPpq, int64_t anchorSample) {
    const double rate = hostRate.load() > 0 ? hostRate.load() : audio.sampleRate;
    auto clip = std::make_unique<Clip>();
    clip->id = e.id;
    clip->audio = resample(audio, rate);
    clip->sampleRate = rate;
    clip->loopBeats = e.loopBeats;
    clip->anchorPpq = anchorPpq;
    // A sample position is only valid at the rate it was counted in; after a rate change the PPQ places it.
    clip->anchorSample = std::abs(rate - offeredRate) < 1e-6 || offeredRate == 0 ? anchorSample : -1;
    offeredRate = rate;
    player.offer(std::move(clip));
    clipArrived.signal();
}

void LongplayProcessor::onClip(ClipResult r) {
    if (!r.ok) {
        clipArrived.signal();
        return;
    }
    DecodedAudio audio;
    juce::String error;
    if (!decodeWav(r.wav, audio, error)) {
        clipArrived.signal();
        return;
    }
    ClipEntry e;
    e.id = r.clipId;
    e.sha256 = juce::SHA256(r.wav.getData(), r.wav.getSize()).toHexString();
    e.label = r.request.prompt.isNotEmpty() ? r.request.prompt : r.clipId;
    const bool loop = *params.getRawParameterValue("loop") >= 0.5f;
    e.loopBeats = loop && r.request.mode == "loop" && r.request.bars > 0 ? r.request.bars * 4.0 : 0.0;
    e.bpm = r.request.mode == "loop" && r.request.bpm > 0 ? r.request.bpm : 0.0;
    auto dir = clipCacheDir();
    dir.createDirectory();
    e.file = dir.getChildFile(e.sha256.substring(0, 16) + "-" + r.clipId.retainCharacters(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") + ".wav");
    if (!e.file.existsAsFile()) e.file.replaceWithData(r.wav.getData(), r.wav.getSize());
    const juce::ScopedLock sl(stateLock);
    bool known = false;
    for (auto& c : clips) {
        if (c.id == e.id) { c = e; known = true; }
    }
    if (!known) clips.push_back(e);
    const int toSlot = static_cast<int>(newClipSlot->load()) - 1;
    if (toSlot >= 0 && toSlot < SlotBank::kSlots && !restoreAnchors.contains(e.id)) {
        auto& src = slotSources[static_cast<size_t>(toSlot)];
        src.clipId = e.id;
        src.audio = audio;
        src.sourceBpm = r.request.mode == "loop" && r.request.bpm > 0 ? r.request.bpm : 0.0;
        src.renderedRate = 0;  // render it on the next tick
        slotsDirty.store(true);
    }
    currentClipId = e.id;
    currentAudio = std::move(audio);
    currentLoopBeats = e.loopBeats;
    offerClip(e, currentAudio, restoreAnchors.contains(e.id) ? (double) restoreAnchors[e.id]
                                                                 : std::numeric_limits<double>::quiet_NaN(),
              restoreAnchorSamples.contains(e.id) ? restoreAnchorSamples[e.id].toString().getLargeIntValue() : -1);
    restoreAnchors.remove(e.id);
    restoreAnchorSamples.remove(e.id);
}

std::vector<ClipEntry> LongplayProcessor::clipList() const {
    const juce::ScopedLock sl(stateLock);
    return clips;
}

void LongplayProcessor::playClip(const juce::String& id) {
    const juce::ScopedLock sl(stateLock);
    for (auto& c : clips) {
        if (c.id == id && c.file.existsAsFile()) {
            juce::MemoryBlock wav;
            c.file.loadFileAsData(wav);
            DecodedAudio audio;
            juce::String error;
            if (decodeWav(wav, audio, error)) {
                currentClipId = c.id;
                currentAudio = std::move(audio);
                currentLoopBeats = c.loopBeats;
                offerClip(c, currentAudio, std::numeric_limits<double>::quiet_NaN(), -1);
            }
        }
    }
}

void LongplayProcessor::renderSlots() {
    // Client thread: re-render each slot whose host rate, host tempo (slots with a tempo) or pitch changed.
    const double rate = hostRate.load();
    const double bpm = lastBpm.load();
    if (rate <= 0) return;
    for (int k = 0; k < SlotBank::kSlots; ++k) {
        SlotSource copy;
        {
            const juce::ScopedLock sl(stateLock);
            auto& src = slotSources[static_cast<size_t>(k)];
            const double pitch = slotPitch[static_cast<size_t>(k)]->load();
            const double wantBpm = src.sourceBpm > 0 ? bpm : 0;
            if (src.audio.sampleRate <= 0 || (src.renderedRate == rate && src.renderedBpm == wantBpm && src.renderedPitch == pitch))
                continue;
            src.renderedRate = rate;
            src.renderedBpm = wantBpm;
            src.renderedPitch = pitch;
            copy = src;
        }
        auto out = std::make_unique<SlotAudio>();
        const double ratio = copy.sourceBpm > 0 && copy.renderedBpm > 0 ? copy.sourceBpm / copy.renderedBpm : 1.0;
        out->audio = stretchClip(resample(copy.audio, rate), rate, ratio, copy.renderedPitch);
        slotBank.offer(k, std::move(out));
    }
    slotsDirty.store(false);
}

void LongplayProcessor::assignSlot(int slot, const juce::String& clipId) {
    if (slot < 0 || slot >= SlotBank::kSlots) return;
    const juce::ScopedLock sl(stateLock);
    for (auto& c : clips) {
        juce::MemoryBlock wav;
        DecodedAudio audio;
        juce::String error;
        if (c.id == clipId && c.file.loadFileAsData(wav) && decodeWav(wav, audio, error)) {
            auto& src = slotSources[static_cast<size_t>(slot)];
            src.clipId = c.id;
            src.audio = std::move(audio);
            src.sourceBpm = c.bpm;
            src.renderedRate = 0;
            slotsDirty.store(true);
        }
    }
}

Transport LongplayProcessor::readTransport(int numSamples) noexcept {
    PlayHeadReading r;
    if (auto* head = getPlayHead()) {
        if (auto pos = head->getPosition()) {
            // JUCE's LV2 wrapper hands over an empty position in every block without a time:Position event.
            const auto samples = pos->getTimeInSamples();
            const auto ppq = pos->getPpqPosition();
            r.present = samples.hasValue() || ppq.hasValue();
            r.playing = pos->getIsPlaying();
            r.hasSamples = samples.hasValue();
            r.samples = samples.orFallback(0);
            r.hasPpq = ppq.hasValue();
            r.ppq = ppq.orFallback(0.0);
            r.bpm = pos->getBpm().orFallback(0.0);
            if (auto sig = pos->getTimeSignature()) {
                r.sigNumerator = sig->numerator;
                r.sigDenominator = sig->denominator;
            }
            if (!r.hasPpq && r.hasSamples && r.bpm > 0 && getSampleRate() > 0) {
                // Ardour's LV2 position has the frame and the bar but no beat (time:barBeat is dropped by JUCE's
                // wrapper): count beats from frame 0 at the reported tempo, kept inside the reported bar.
                double beats = static_cast<double>(r.samples) * r.bpm / 60.0 / getSampleRate();
                if (auto bar = pos->getBarCount()) {
                    const double barBeats = r.sigNumerator * 4.0 / std::max(1, r.sigDenominator);
                    const double barStart = static_cast<double>(*bar) * barBeats;
                    if (beats < barStart || beats >= barStart + barBeats)
                        beats = barStart + std::fmod(std::max(0.0, beats), barBeats);
                }
                r.hasPpq = true;
                r.ppq = beats;
            }
        }
    }
    // Only the standalone build runs a clock of its own; in a host, no transport seen yet means stopped.
    const auto unknown = wrapperType == wrapperType_Standalone ? HostTimeline::WhenUnknown::freeRun
                                                               : HostTimeline::WhenUnknown::stopped;
    const Transport t = timeline.advance(r, numSamples, getSampleRate(), unknown, lastBpm.load());
    if (r.present) lastBpm.store(t.bpm);
    return t;
}

void LongplayProcessor::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer& midi) {
    juce::ScopedNoDenormals noDenormals;
    const int n = buffer.getNumSamples();
    const Transport t = readTransport(n);
    if (getTotalNumInputChannels() > 0) {
        recorder.capture(buffer, n, t, getSampleRate());
    }
    if (isNonRealtime()) {
        // Offline bounce: wait (bounded) for a clip still being made instead of rendering silence.
        // Never in real time: there the audio thread only swaps pointers.
        const auto deadline = juce::Time::getMillisecondCounter() + static_cast<juce::uint32>(offlineWaitMs);
        while ((generateRequested.load() || recorder.hasTake() || server->pendingJobs() > 0) && !player.hasPending()
               && juce::Time::getMillisecondCounter() < deadline) {
            clipArrived.wait(20);
        }
        if (player.hasPending()) player.collectGarbage();
        while ((slotsDirty.load() || slotBank.hasPending()) && juce::Time::getMillisecondCounter() < deadline) {
            slotBank.collectGarbage();
            if (!slotsDirty.load() && slotBank.hasPending()) break;  // rendered: the next line takes it
            clipArrived.wait(20);
        }
    }
    // The player runs even when muted: it takes new clips (an offline bounce waits for that) and keeps its anchor.
    player.render(buffer, n, t, getSampleRate());
    if (slotsOnly->load() >= 0.5f) buffer.clear();
    slotBank.render(buffer, n, midi, t, getSampleRate(), quantumParam->load() < 0.5f, slotMode->load() >= 0.5f);
    midi.clear();  // nothing goes out
}

void LongplayProcessor::getStateInformation(juce::MemoryBlock& destData) {
    juce::XmlElement root("Longplay");
    {
        const juce::ScopedLock sl(stateLock);
        for (auto& v : texts) root.setAttribute(v.name, v.value.toString());
        root.setAttribute("serverUrl", server->baseUrl());
        const bool embed = *params.getRawParameterValue("embed") >= 0.5f;
        for (auto& c : clips) {
            auto* x = root.createNewChildElement("Clip");
            x->setAttribute("id", c.id);
            x->setAttribute("sha256", c.sha256);
            x->setAttribute("file", c.file.getFullPathName());
            x->setAttribute("loopBeats", c.loopBeats);
            x->setAttribute("bpm", c.bpm);
            x->setAttribute("label", c.label);
            if (c.id == currentClipId) {
                x->setAttribute("current", true);
                double a = player.currentAnchor();
                if (!std::isnan(a)) x->setAttribute("anchorPpq", a);
                // The exact place on the host's sample timeline (a host rounds its PPQ; its sample count it does not).
                const int64_t as = player.currentAnchorSample();
                if (!std::isnan(a) && as >= 0) x->setAttribute("anchorSample", juce::String(as));
            }
            if (embed && c.file.existsAsFile()) {
                juce::MemoryBlock wav;
                c.file.loadFileAsData(wav);
                x->addTextElement(wav.toBase64Encoding());
            }
        }
    }
    {
        const juce::ScopedLock sl(stateLock);
        for (int k = 0; k < SlotBank::kSlots; ++k) {
            if (slotSources[static_cast<size_t>(k)].clipId.isEmpty()) continue;
            auto* x = root.createNewChildElement("Slot");
            x->setAttribute("index", k);
            x->setAttribute("clip", slotSources[static_cast<size_t>(k)].clipId);
        }
    }
    if (auto p = params.copyState().createXml()) root.addChildElement(p.release());
    copyXmlToBinary(root, destData);
}

void LongplayProcessor::setStateInformation(const void* data, int sizeInBytes) {
    auto xml = getXmlFromBinary(data, sizeInBytes);
    if (xml == nullptr || !xml->hasTagName("Longplay")) return;
    if (auto* p = xml->getChildByName(params.state.getType())) {
        restoring.store(true);
        params.replaceState(juce::ValueTree::fromXml(*p));
        restoring.store(false);
    }
    const juce::ScopedLock sl(stateLock);
    for (auto key : {kPrompt, kPreset, kModel}) texts.set(key, xml->getStringAttribute(key.toString()));
    // A project without its own server command keeps the one from the environment (LONGPLAY_SERVER_CMD).
    if (xml->getStringAttribute(kServerCmd.toString()).isNotEmpty()) {
        texts.set(kServerCmd, xml->getStringAttribute(kServerCmd.toString()));
        server->setServerCommand(texts[kServerCmd].toString());
    }
    clips.clear();
    for (auto* x : xml->getChildWithTagNameIterator("Clip")) {
        ClipEntry e;
        e.id = x->getStringAttribute("id");
        e.sha256 = x->getStringAttribute("sha256");
        e.file = juce::File(x->getStringAttribute("file"));
        e.loopBeats = x->getDoubleAttribute("loopBeats");
        e.bpm = x->getDoubleAttribute("bpm");
        e.label = x->getStringAttribute("label");
        // Prefer the local copy when its content hash matches, then audio embedded in the project, then the server.
        juce::MemoryBlock wav;
        if (e.file.existsAsFile()) e.file.loadFileAsData(wav);
        if (juce::SHA256(wav.getData(), wav.getSize()).toHexString() != e.sha256) {
            wav.reset();
            auto embedded = x->getAllSubText().trim();
            if (embedded.isNotEmpty()) wav.fromBase64Encoding(embedded);
            if (wav.getSize() > 0 && juce::SHA256(wav.getData(), wav.getSize()).toHexString() == e.sha256) {
                clipCacheDir().createDirectory();
                e.file = clipCacheDir().getChildFile(e.sha256.substring(0, 16) + "-" + e.id + ".wav");
                e.file.replaceWithData(wav.getData(), wav.getSize());
            } else {
                wav.reset();
            }
        }
        clips.push_back(e);
        if (x->getBoolAttribute("current")) {
            const double anchor = x->getDoubleAttribute("anchorPpq", std::numeric_limits<double>::quiet_NaN());
            const int64_t anchorSample = x->hasAttribute("anchorSample") ? x->getStringAttribute("anchorSample").getLargeIntValue() : -1;
            DecodedAudio audio;
            juce::String error;
            if (wav.getSize() > 0 && decodeWav(wav, audio, error)) {
                currentClipId = e.id;
                currentAudio = std::move(audio);
                currentLoopBeats = e.loopBeats;
                offerClip(e, currentAudio, anchor, anchorSample);
            } else {
                restoreAnchors.set(e.id, anchor);
                restoreAnchorSamples.set(e.id, juce::String(anchorSample));
                server->fetchClip(e.id);
            }
        }
    }
    for (auto* x : xml->getChildWithTagNameIterator("Slot")) {
        assignSlot(x->getIntAttribute("index", -1), x->getStringAttribute("clip"));  // from the clips' local copies
    }
}

juce::AudioProcessorEditor* LongplayProcessor::createEditor() { return new LongplayEditor(*this); }

}  // namespace longplay

juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter() { return new longplay::LongplayProcessor(); }
