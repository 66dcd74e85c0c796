// Headless test host for the Longplay plugin: loads the built VST3 (by path) or LV2 (by URI) with JUCE's own
// hosting code, plays a fake transport into it, and checks what comes out against the clip the server made.
//
//   LongplayTestHost offline    --format VST3|LV2 --plugin <path|uri> --server <url> --cache <dir> [--rate R] [--block N]
//   LongplayTestHost resilience --format VST3 --plugin <path> --server <url> --cache <dir> --server-pid <pid> --marker <file>
//
// Exit status 0 = every check passed; each failed check prints one line starting with FAIL.
#include <juce_audio_processors/juce_audio_processors.h>
#include <juce_audio_formats/juce_audio_formats.h>
#include <csignal>
#include <iostream>

namespace {

int failures = 0;
void check(bool ok, const juce::String& what) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << std::endl;
    if (!ok) ++failures;
}

/** A transport the test moves by hand: 4/4, fixed tempo, playing. */
struct FakePlayHead : juce::AudioPlayHead {
    double ppq = 0, bpm = 120;
    bool playing = true;
    juce::Optional<PositionInfo> getPosition() const override {
        PositionInfo p;
        p.setPpqPosition(ppq);
        p.setBpm(bpm);
        p.setTimeSignature(TimeSignature{4, 4});
        p.setIsPlaying(playing);
        p.setPpqPositionOfLastBarStart(std::floor(ppq / 4.0) * 4.0);
        return p;
    }
};

juce::String arg(const juce::StringArray& args, const juce::String& name, const juce::String& fallback = {}) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

std::unique_ptr<juce::AudioPluginInstance> load(juce::AudioPluginFormatManager& fm, const juce::String& format,
                                                const juce::String& where, double rate, int block) {
    for (int i = 0; i < fm.getNumFormats(); ++i) {
        auto* f = fm.getFormat(i);
        if (f->getName() != format) continue;
        if (format == "LV2")  // JUCE's LV2 host knows plugins by URI once it has scanned their folder
            f->searchPathsForPlugins(juce::FileSearchPath(juce::SystemStats::getEnvironmentVariable("LV2_PATH", {})), true, false);
        juce::OwnedArray<juce::PluginDescription> types;
        f->findAllTypesForFile(types, where);
        if (types.isEmpty()) {
            std::cout << "FAIL no " << format << " plugin found at " << where << std::endl;
            return nullptr;
        }
        juce::String error;
        auto instance = fm.createPluginInstance(*types[0], rate, block, error);
        if (instance == nullptr) std::cout << "FAIL could not instantiate: " << error << std::endl;
        return instance;
    }
    std::cout << "FAIL this host has no " << format << " support" << std::endl;
    return nullptr;
}

juce::AudioProcessorParameter* param(juce::AudioPluginInstance& p, const juce::String& name) {
    for (auto* q : p.getParameters())
        if (q->getName(100).startsWith(name)) return q;
    std::cout << "FAIL the plugin has no parameter " << name << std::endl;
    ++failures;
    return nullptr;
}

void setPlain(juce::AudioPluginInstance& p, const juce::String& name, float lo, float hi, float value) {
    if (auto* q = param(p, name)) q->setValue((value - lo) / (hi - lo));
}

void pressGenerate(juce::AudioPluginInstance& p) {
    if (auto* g = param(p, "Generate")) {
        g->setValue(0.0f);
        g->setValue(1.0f);
    }
}

/** The newest WAV file in the plugin's clip cache and the server id in its name ("<hash16>-<id>.wav"). */
juce::File newestClip(const juce::File& cache, int* count = nullptr) {
    auto files = cache.findChildFiles(juce::File::findFiles, false, "*.wav");
    if (count != nullptr) *count = files.size();
    juce::File newest;
    for (auto& f : files)
        if (newest == juce::File() || f.getLastModificationTime() > newest.getLastModificationTime()) newest = f;
    return newest;
}

bool readWav(const juce::MemoryBlock& bytes, juce::AudioBuffer<float>& out, double& rate) {
    juce::WavAudioFormat wav;
    std::unique_ptr<juce::AudioFormatReader> r(wav.createReaderFor(new juce::MemoryInputStream(bytes, false), true));
    if (r == nullptr) return false;
    out.setSize((int) r->numChannels, (int) r->lengthInSamples);
    r->read(&out, 0, (int) r->lengthInSamples, 0, true, true);
    rate = r->sampleRate;
    return true;
}

/** The clip as the server has it (fetched here, independently of the plugin), and a check that the plugin's copy is it. */
bool serverClip(const juce::String& server, const juce::File& cached, juce::AudioBuffer<float>& clip, double& rate) {
    juce::String id = cached.getFileNameWithoutExtension().fromFirstOccurrenceOf("-", false, false);
    juce::MemoryBlock fromServer, fromPlugin;
    if (auto in = juce::URL(server + "/v1/clips/" + id).createInputStream(
                juce::URL::InputStreamOptions(juce::URL::ParameterHandling::inAddress).withConnectionTimeoutMs(5000)))
        in->readIntoMemoryBlock(fromServer);
    cached.loadFileAsData(fromPlugin);
    check(fromServer.getSize() > 44 && fromServer == fromPlugin, "the plugin's clip file is the server's clip " + id);
    return readWav(fromServer, clip, rate);
}

/** Linear resampling of channel ch to the host's rate, as the check's independent reference. */
float referenceSample(const juce::AudioBuffer<float>& clip, int ch, double pos) {
    int i0 = (int) pos;
    if (i0 + 1 >= clip.getNumSamples()) return i0 < clip.getNumSamples() ? clip.getSample(ch, i0) : 0.0f;
    float a = clip.getSample(ch, i0), b = clip.getSample(ch, i0 + 1);
    return (float) (a + (b - a) * (pos - i0));
}

/**
 * Offline bounce: the transport starts mid-bar (PPQ 1.3), Generate is pressed, and the host renders without
 * pausing. The plugin must wait for the clip and start it exactly at the next bar line (PPQ 4), silent before.
 */
int offline(const juce::StringArray& args) {
    const double rate = arg(args, "--rate", "48000").getDoubleValue();
    const int block = arg(args, "--block", "512").getIntValue();
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache"));
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    auto plugin = load(fm, arg(args, "--format", "VST3"), arg(args, "--plugin"), rate, block);
    if (plugin == nullptr) return 1;
    std::cout << "loaded " << plugin->getName() << " (" << arg(args, "--format", "VST3") << "), latency "
              << plugin->getLatencySamples() << std::endl;
    check(plugin->getLatencySamples() == 0, "the plugin reports zero added latency");
    FakePlayHead head;
    head.ppq = 1.3;
    plugin->setPlayHead(&head);
    plugin->setNonRealtime(true);
    plugin->enableAllBuses();
    plugin->prepareToPlay(rate, block);
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 7.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);  // few steps: the tiny model in CI
    pressGenerate(*plugin);

    const double beatsPerSample = head.bpm / 60.0 / rate;
    const int total = (int) (rate * 6);  // 6 s: the clip (2 s) starts at PPQ 4 = 1.35 s in
    juce::AudioBuffer<float> rec(2, total);
    juce::AudioBuffer<float> buf(std::max(2, plugin->getTotalNumInputChannels()), block);
    juce::MidiBuffer midi;
    const double startPpq = head.ppq;
    for (int done = 0; done < total; done += block) {
        const int n = std::min(block, total - done);
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), n);
        view.clear();
        head.ppq = startPpq + done * beatsPerSample;
        plugin->processBlock(view, midi);
        for (int ch = 0; ch < 2; ++ch) rec.copyFrom(ch, done, view, std::min(ch, view.getNumChannels() - 1), 0, n);
    }
    juce::File cached = newestClip(cache);
    check(cached.existsAsFile(), "the plugin stored the generated clip in " + cache.getFullPathName());
    juce::AudioBuffer<float> clip;
    double clipRate = 0;
    if (!cached.existsAsFile() || !serverClip(server, cached, clip, clipRate)) return 1;

    const int barSample = (int) std::ceil((4.0 - startPpq) / beatsPerSample - 1e-9);  // first sample at PPQ >= 4
    float before = rec.getMagnitude(0, barSample);
    check(before == 0.0f, "silence before the next bar line (peak " + juce::String(before) + ")");
    const double step = clipRate / rate;
    const int clipFrames = (int) std::floor(clip.getNumSamples() / step);
    double maxErr = 0, peak = 0;
    for (int ch = 0; ch < 2; ++ch)
        for (int i = 2; i < clipFrames - 4 && barSample + i < total; ++i) {
            float want = referenceSample(clip, std::min(ch, clip.getNumChannels() - 1), i * step);
            maxErr = std::max(maxErr, (double) std::abs(rec.getSample(ch, barSample + i) - want));
            peak = std::max(peak, (double) std::abs(want));
        }
    check(peak > 0, "the clip is not silent (peak " + juce::String(peak) + ")");
    if (step == 1.0) {
        // Same rate: the frames must be the clip's own.
        check(maxErr <= 1e-4, "output from PPQ 4 is the clip, sample for sample (max error " + juce::String(maxErr) + ")");
    } else {
        // Other rates: the plugin's Lagrange resampler and this linear reference differ near Nyquist (the tiny
        // model makes noise-like sound), so compare by normalised correlation, and find it best at lag 0.
        auto correlation = [&](int lag) {
            double xy = 0, xx = 0, yy = 0;
            for (int i = 8; i < clipFrames - 8 && barSample + i + lag < total; ++i) {
                double x = rec.getSample(0, barSample + i + lag), y = referenceSample(clip, 0, i * step);
                xy += x * y; xx += x * x; yy += y * y;
            }
            return xy / std::sqrt(std::max(xx * yy, 1e-30));
        };
        int bestLag = 0;
        double best = -2;
        for (int lag = -4; lag <= 4; ++lag)
            if (correlation(lag) > best) { best = correlation(lag); bestLag = lag; }
        check(bestLag == 0 && best > 0.8, "output from PPQ 4 is the clip resampled from " + juce::String(clipRate) + " to "
                                                  + juce::String(rate) + " Hz (correlation " + juce::String(best, 4)
                                                  + " at lag " + juce::String(bestLag) + ")");
    }
    const int end = barSample + clipFrames + 2;
    if (end < total) {
        float after = rec.getMagnitude(end, total - end);
        check(after == 0.0f, "silence after the one-shot clip ends (peak " + juce::String(after) + ")");
    }

    // The project reopens: a second instance given the first one's state plays the same clip at the same place.
    juce::MemoryBlock state;
    plugin->getStateInformation(state);
    plugin->releaseResources();
    plugin.reset();
    auto again = load(fm, arg(args, "--format", "VST3"), arg(args, "--plugin"), rate, block);
    if (again == nullptr) return 1;
    again->setPlayHead(&head);
    again->setNonRealtime(true);
    again->enableAllBuses();
    again->prepareToPlay(rate, block);
    again->setStateInformation(state.getData(), (int) state.getSize());
    juce::AudioBuffer<float> rec2(2, total);
    for (int done = 0; done < total; done += block) {
        const int n = std::min(block, total - done);
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), n);
        view.clear();
        head.ppq = startPpq + done * beatsPerSample;
        again->processBlock(view, midi);
        rec2.copyFrom(0, done, view, 0, 0, n);
    }
    double diff = 0;
    for (int i = 0; i < total; ++i) diff = std::max(diff, (double) std::abs(rec2.getSample(0, i) - rec.getSample(0, i)));
    check(diff <= 1e-6, "after restoring the saved state the same clip plays at the same PPQ (max diff " + juce::String(diff) + ")");
    again->releaseResources();
    return failures == 0 ? 0 : 1;
}

/**
 * Real time with the server killed: processBlock must stay fast (never waits on the network), the plugin keeps
 * going, and once the server is back (the test script restarts it) a new Generate brings a new clip.
 */
int resilience(const juce::StringArray& args) {
    const double rate = 48000;
    const int block = 256;
    const juce::File cache(arg(args, "--cache"));
    const juce::File marker(arg(args, "--marker"));
    const int serverPid = arg(args, "--server-pid").getIntValue();
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    auto plugin = load(fm, arg(args, "--format", "VST3"), arg(args, "--plugin"), rate, block);
    if (plugin == nullptr) return 1;
    FakePlayHead head;
    plugin->setPlayHead(&head);
    plugin->enableAllBuses();
    plugin->prepareToPlay(rate, block);
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    juce::AudioBuffer<float> buf(std::max(2, plugin->getTotalNumInputChannels()), block);
    juce::MidiBuffer midi;
    double worstMs = 0;
    auto runFor = [&](double seconds, const std::function<bool(float)>& until) {
        const auto t0 = juce::Time::getMillisecondCounterHiRes();
        while (juce::Time::getMillisecondCounterHiRes() - t0 < seconds * 1000) {
            buf.clear();
            const auto a = juce::Time::getMillisecondCounterHiRes();
            plugin->processBlock(buf, midi);
            worstMs = std::max(worstMs, juce::Time::getMillisecondCounterHiRes() - a);
            head.ppq += block * head.bpm / 60.0 / rate;
            if (until && until(buf.getMagnitude(0, block))) return true;
            juce::Thread::sleep(2);
        }
        return false;
    };
    // A press is on for a few blocks, then off: a host delivers parameter changes at block boundaries, so
    // off and on within one block would be one change.
    auto press = [&] {
        if (auto* g = param(*plugin, "Generate")) {
            g->setValue(1.0f);
            runFor(0.05, {});
            g->setValue(0.0f);
            runFor(0.05, {});
        }
    };
    press();
    check(runFor(120, [](float peak) { return peak > 0; }), "a clip plays in real time");
    int clipsBefore = 0;
    newestClip(cache, &clipsBefore);

    // Kill the server in the middle of the next job.
    press();
    runFor(0.5, {});
    check(::kill(serverPid, SIGKILL) == 0, "killed the server (pid " + juce::String(serverPid) + ") mid-job");
    worstMs = 0;
    runFor(4, {});
    check(worstMs < 20, "processBlock never waited while the server was gone (worst " + juce::String(worstMs, 2) + " ms)");
    marker.replaceWithText("killed");  // the script restarts the server now

    // Back online: the plugin reconnects by itself; a new Generate brings a new clip.
    int clipsNow = 0;
    const auto t0 = juce::Time::getMillisecondCounterHiRes();
    bool reconnected = false;
    while (juce::Time::getMillisecondCounterHiRes() - t0 < 180000 && !reconnected) {
        press();
        runFor(3, {});
        newestClip(cache, &clipsNow);
        reconnected = clipsNow > clipsBefore;
    }
    check(reconnected, "after the server came back a new clip arrived (" + juce::String(clipsNow) + " clips)");
    check(worstMs < 20, "processBlock stayed fast throughout (worst " + juce::String(worstMs, 2) + " ms)");
    plugin->releaseResources();
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    juce::ScopedJuceInitialiser_GUI juce;  // message manager for the plugin formats, no display needed
    juce::StringArray args;
    for (int i = 1; i < argc; ++i) args.add(argv[i]);
    const juce::String mode = args.isEmpty() ? juce::String() : args[0];
    int rc = mode == "offline" ? offline(args) : mode == "resilience" ? resilience(args) : 2;
    if (rc == 2) std::cout << "usage: LongplayTestHost offline|resilience --format VST3|LV2 --plugin <path|uri> ..." << std::endl;
    std::cout << (rc == 0 ? "PASS" : "FAILED") << std::endl;
    return rc;
}
