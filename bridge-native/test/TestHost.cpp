// Headless test host for the Longplay plugin: loads the built VST3 (by path) or LV2 (by URI) with JUCE's own
// hosting code, plays a fake transport into it, and checks what comes out against the clip the server made.
//
//   LongplayTestHost offline    --format VST3|LV2 --plugin <path|uri> --server <url> --cache <dir> [--rate R] [--block N]
//   LongplayTestHost resilience --format VST3 --plugin <path> --server <url> --cache <dir> --server-pid <pid> --marker <file>
//   LongplayTestHost capture    --format VST3 --plugin <path> --server <url> --cache <dir> --uploads <server data>/uploads
//   LongplayTestHost loop       --format VST3 --plugin <path> --server <url> --cache <dir>
//   LongplayTestHost embedded   --format VST3 --plugin <path> --server <url> --cache <dir> --token-file <file>
//   LongplayTestHost autostart  --format VST3 --plugin <path> --server <url> --cache <dir> --server-command <cmd> --pid-file <file>
//   LongplayTestHost editor     --server <url> --cache <dir> --png <file>   (the editor in this process, under Xvfb)
//   LongplayTestHost timeline   --format VST3|LV2 --plugin <path|uri> --server <url> --cache <dir> [--rate R] [--block N] [--ppq ardour|jitter|ardour-lv2]
//   LongplayTestHost slots      --format VST3 --plugin <path> --server <url> --cache <dir>   (the instrument: MIDI -> slots)
//   LongplayTestHost lv2preset  --server <url> --cache <dir> --bundle <dir.lv2> --label <text>   (a preset holding a clip)
//   LongplayTestHost compare    --take <wav> --clip <wav> --from <sample> [--block N] [--same <wav>]   (a real host's take)
//   LongplayTestHost params     --values <file> --phase <name> [--lv2-state <state.ttl>]   (a host's view of the parameters)
//   LongplayTestHost notes      --take <wav> --voice <start>,<stop>,<clip wav>,<gain> ... [--same <wav>]  (a host's MIDI take)
//   LongplayTestHost images     (PNG and JPEG written and read back: JUCE's image formats in this build)
//
// Exit status 0 = every check passed; each failed check prints one line starting with FAIL.
// The Windows build (MinGW, run under wine) has no LV2 and no resilience/autostart/editor modes: those signal
// the Linux server's pid or talk to X11.
#include "PluginEditor.h"
#include "PluginProcessor.h"
#include <juce_audio_processors/juce_audio_processors.h>
#include <juce_audio_formats/juce_audio_formats.h>
#include <csignal>
#include <iostream>
#include <map>
#if ! JUCE_WINDOWS
#include <dlfcn.h>
#endif
#include <set>

namespace {

int failures = 0;
void check(bool ok, const juce::String& what) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << std::endl;
    if (!ok) ++failures;
}

/**
 * A transport the test moves by hand: 4/4, fixed tempo, playing. It reports the sample position when the test
 * sets one (samples >= 0) and its PPQ either exactly or degraded the way real hosts degrade it:
 *   ardour: quantised to Ardour's 1/1920 beat (Ardour 7 reports Temporal::Beats ticks, 1920 per quarter);
 *   jitter: quantised and then moved by a seeded random -2..+2 ticks each block;
 *   ardourLv2: what Ardour's LV2 host sends (time:frame, time:speed, time:bar, time:barBeat, tempo and meter: no
 *              time:beat, and JUCE's LV2 wrapper drops barBeat), and only in blocks where `announce` is set
 *              (Ardour writes time:Position only when the transport starts, stops, moves or changes tempo).
 */
struct FakePlayHead : juce::AudioPlayHead {
    enum class Ppq { exact, ardour, jitter, ardourLv2 };
    double ppq = 0, bpm = 120;
    int64_t samples = -1;
    bool playing = true;
    Ppq mode = Ppq::exact;
    bool announce = true;
    mutable juce::Random rng{20261207};
    juce::Optional<PositionInfo> getPosition() const override {
        PositionInfo p;
        if (mode == Ppq::ardourLv2) {
            if (!announce) return {};
            if (samples >= 0) p.setTimeInSamples(samples);
            p.setBarCount((int64_t) std::floor(ppq / 4.0 + 1e-9));
            p.setBpm(bpm);
            p.setTimeSignature(TimeSignature{4, 4});
            p.setIsPlaying(playing);
            return p;
        }
        double reported = ppq;
        if (mode != Ppq::exact) reported = std::round(ppq * 1920.0) / 1920.0;
        if (mode == Ppq::jitter) reported += (rng.nextInt(5) - 2) / 1920.0;
        p.setPpqPosition(reported);
        if (samples >= 0) p.setTimeInSamples(samples);
        p.setBpm(bpm);
        p.setTimeSignature(TimeSignature{4, 4});
        p.setIsPlaying(playing);
        p.setPpqPositionOfLastBarStart(std::floor(reported / 4.0) * 4.0);
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
        head.samples = std::llround(startPpq / beatsPerSample) + done;
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
        head.samples = std::llround(startPpq / beatsPerSample) + done;
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
#if ! JUCE_WINDOWS
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
#endif

// ---- helpers for the tests below ----------------------------------------------------------------------------

/** What a bounce produced: the plugin's output (2 channels) and the host's PPQ at every sample. */
struct Bounce {
    juce::AudioBuffer<float> out;
    std::vector<double> ppq;
};

/**
 * Plays `total` samples through the plugin in blocks, moving the fake transport; `input` may fill each block's
 * input channels first (given the block and the index of its first sample), `tempo` may change the tempo at a
 * block boundary (given the PPQ where the block starts).
 */
Bounce bounce(juce::AudioPluginInstance& p, FakePlayHead& head, double rate, int block, int total,
              const std::function<void(juce::AudioBuffer<float>&, int)>& input = {},
              const std::function<double(double)>& tempo = {}) {
    Bounce b;
    b.out.setSize(2, total);
    b.ppq.resize((size_t) total);
    juce::AudioBuffer<float> buf(std::max({2, p.getTotalNumInputChannels(), p.getTotalNumOutputChannels()}), block);
    juce::MidiBuffer midi;
    for (int done = 0; done < total; done += block) {
        const int n = std::min(block, total - done);
        if (tempo) head.bpm = tempo(head.ppq);
        const double bps = head.bpm / 60.0 / rate;
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), n);
        view.clear();
        if (input) input(view, done);
        for (int i = 0; i < n; ++i) b.ppq[(size_t) (done + i)] = head.ppq + i * bps;
        p.processBlock(view, midi);
        for (int ch = 0; ch < 2; ++ch) b.out.copyFrom(ch, done, view, std::min(ch, view.getNumChannels() - 1), 0, n);
        head.ppq += n * bps;
    }
    return b;
}

/** The first sample at or after PPQ x (with the same floating-point slack the plugin allows). */
int sampleAt(const Bounce& b, double x) {
    for (size_t i = 0; i < b.ppq.size(); ++i)
        if (b.ppq[i] - x >= -1e-9) return (int) i;
    return (int) b.ppq.size();
}

std::unique_ptr<juce::AudioPluginInstance> startPlugin(juce::AudioPluginFormatManager& fm, const juce::StringArray& args,
                                                       double rate, int block, FakePlayHead& head, bool offlineRender) {
    auto plugin = load(fm, arg(args, "--format", "VST3"), arg(args, "--plugin"), rate, block);
    if (plugin == nullptr) return nullptr;
    plugin->setPlayHead(&head);
    plugin->setNonRealtime(offlineRender);
    plugin->enableAllBuses();
    plugin->prepareToPlay(rate, block);
    return plugin;
}

/** One plain HTTP/1.0 exchange (JUCE's URL class cannot send DELETE with a token on Linux). Returns the status. */
int http(const juce::String& server, const juce::String& method, const juce::String& path, const juce::String& token,
         juce::MemoryBlock& body) {
    body.reset();
    juce::URL url(server);
    juce::StreamingSocket socket;
    if (!socket.connect(url.getDomain(), url.getPort(), 3000)) return 0;
    juce::String req = method + " " + path + " HTTP/1.0\r\nHost: " + url.getDomain() + ":" + juce::String(url.getPort())
                       + "\r\nConnection: close\r\nContent-Length: 0\r\n";
    if (token.isNotEmpty()) req << "Authorization: Bearer " << token << "\r\n";
    req << "\r\n";
    socket.write(req.toRawUTF8(), (int) req.getNumBytesAsUTF8());
    juce::MemoryBlock raw;
    char chunk[16384];
    for (;;) {
        if (socket.waitUntilReady(true, 10000) <= 0) break;
        int n = socket.read(chunk, sizeof(chunk), false);
        if (n <= 0) break;
        raw.append(chunk, (size_t) n);
    }
    const juce::String text(static_cast<const char*>(raw.getData()), std::min<size_t>(raw.getSize(), 8192));
    const int headerEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/") || headerEnd < 0) return 0;
    const size_t start = (size_t) text.substring(0, headerEnd + 4).getNumBytesAsUTF8();
    body.append(static_cast<const char*>(raw.getData()) + start, raw.getSize() - start);
    return text.fromFirstOccurrenceOf(" ", false, false).getIntValue();
}

juce::var getJson(const juce::String& server, const juce::String& path) {
    juce::MemoryBlock body;
    return http(server, "GET", path, {}, body) == 200 ? juce::JSON::parse(body.toString()) : juce::var();
}

juce::String clipIdOf(const juce::File& cached) {
    return cached.getFileNameWithoutExtension().fromFirstOccurrenceOf("-", false, false);
}

/** Sets a boolean/trigger parameter to on (a single off->on edge: the host starts it off). */
void switchOn(juce::AudioPluginInstance& p, const juce::String& name) {
    if (auto* q = param(p, name)) q->setValue(1.0f);
}

/** A known input signal: deterministic noise, different on each channel, so one sample of shift shows. */
float inputSignal(int ch, int n) {
    juce::uint32 x = (juce::uint32) n * 2654435761u ^ (juce::uint32) (ch + 1) * 0x9E3779B9u;
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return ((float) (x & 0xffff) / 65535.0f - 0.5f) * 0.8f;
}

/** Linear interpolation of a clip channel at a fractional frame, wrapping around (a loop). */
float loopSample(const juce::AudioBuffer<float>& clip, int ch, double pos) {
    const int frames = clip.getNumSamples();
    pos = std::fmod(pos, (double) frames);
    int i0 = (int) pos;
    int i1 = (i0 + 1) % frames;
    float a = clip.getSample(ch, i0), b = clip.getSample(ch, i1);
    return (float) (a + (b - a) * (pos - i0));
}

/**
 * Input capture: the host plays a known signal into the plugin at 100 BPM from PPQ 2.5 and switches on
 * "Style transfer from input" with Capture bars = 2. The server must receive exactly the two bars from the next
 * bar line (PPQ 4 to 12), sample for sample, as an upload used by an audio_to_audio job; the clip that job makes
 * must come back and play from a bar line (offline bounce: the plugin waits for it).
 */
int capture(const juce::StringArray& args) {
    const double rate = 44100;
    const int block = 512;
    const int bars = 2;
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache")), uploads(arg(args, "--uploads"));
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead head;
    head.bpm = 100;
    head.ppq = 2.5;
    auto plugin = startPlugin(fm, args, rate, block, head, true);
    if (plugin == nullptr) return 1;
    check(plugin->getTotalNumInputChannels() == 2, "the plugin has a stereo input (" + juce::String(plugin->getTotalNumInputChannels()) + ")");
    setPlain(*plugin, "Capture bars", 1.0f, 16.0f, (float) bars);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 5.0f);
    if (auto* loopParam = param(*plugin, "Loop")) loopParam->setValue(0.0f);
    switchOn(*plugin, "Style transfer");
    const int total = (int) (rate * 14);
    Bounce b = bounce(*plugin, head, rate, block, total, [](juce::AudioBuffer<float>& buf, int first) {
        for (int ch = 0; ch < buf.getNumChannels(); ++ch)
            for (int i = 0; i < buf.getNumSamples(); ++i) buf.setSample(ch, i, inputSignal(ch, first + i));
    });
    plugin->releaseResources();

    // What the server received: the job's clip names its mode and the upload it started from.
    juce::File cached = newestClip(cache);
    check(cached.existsAsFile(), "a style-transfer clip came back into " + cache.getFullPathName());
    if (!cached.existsAsFile()) return 1;
    juce::var meta = getJson(server, "/v1/clips/" + clipIdOf(cached) + "/meta");
    check(meta.getProperty("mode", {}).toString() == "audio_to_audio", "the server ran an audio_to_audio job (mode "
                                                                           + meta.getProperty("mode", {}).toString() + ")");
    // settings.initAudio is the upload's file as a URI (file:///.../uploads/<id>.wav)
    const juce::File upload = uploads.getChildFile(meta.getProperty("settings", {}).getProperty("initAudio", {}).toString()
                                                           .fromLastOccurrenceOf("/", false, false));
    check(upload.existsAsFile(), "the job started from an upload the server stored: " + upload.getFullPathName());
    juce::MemoryBlock uploadBytes;
    upload.loadFileAsData(uploadBytes);
    juce::AudioBuffer<float> got;
    double gotRate = 0;
    if (!readWav(uploadBytes, got, gotRate)) {
        check(false, "the upload is a WAV file");
        return 1;
    }
    const int start = sampleAt(b, 4.0);
    const int want = (int) std::lround(bars * 4 * 60.0 / head.bpm * rate);  // 2 bars at 100 BPM = 4.8 s
    check(gotRate == rate && got.getNumSamples() == want && got.getNumChannels() == 2,
          "the upload is exactly " + juce::String(bars) + " bars: " + juce::String(got.getNumSamples()) + " frames at "
                  + juce::String(gotRate) + " Hz, " + juce::String(got.getNumChannels()) + " channels (want " + juce::String(want) + ")");
    double err = 0;
    for (int ch = 0; ch < std::min(2, got.getNumChannels()); ++ch)
        for (int k = 0; k < std::min(want, got.getNumSamples()); ++k)
            err = std::max(err, (double) std::abs(got.getSample(ch, k) - inputSignal(ch, start + k)));
    check(err <= 2.0 / 32768, "the upload holds the input from the first sample at PPQ 4 on, sample for sample (max error "
                                      + juce::String(err, 7) + ", 16-bit)");

    // The clip plays: from a bar line after the take (PPQ 12 or 16), silent before, the server's clip 1:1.
    juce::AudioBuffer<float> clip;
    double clipRate = 0;
    if (!serverClip(server, cached, clip, clipRate)) return 1;
    check(std::abs(clip.getNumSamples() / clipRate - want / rate) < 0.25, "the clip is as long as the take ("
                                                                              + juce::String(clip.getNumSamples() / clipRate, 3) + " s)");
    // Which bar line it starts on, and how closely it follows the clip there: the clip's own frames when the
    // rates agree, else the clip resampled to the host rate (the default model makes 8 kHz clips), compared by
    // normalised correlation as for the one-shot clips above.
    const double step = clipRate / rate;
    const int clipFrames = (int) std::floor(clip.getNumSamples() / step);
    auto follow = [&](int s0, double& maxErr) {
        double xy = 0, xx = 0, yy = 0;
        maxErr = 0;
        for (int ch = 0; ch < 2; ++ch)
            for (int i = 8; i < clipFrames - 8 && s0 + i < total; ++i) {
                double x = b.out.getSample(ch, s0 + i), y = referenceSample(clip, std::min(ch, clip.getNumChannels() - 1), i * step);
                xy += x * y; xx += x * x; yy += y * y;
                maxErr = std::max(maxErr, std::abs(x - y));
            }
        return xy / std::sqrt(std::max(xx * yy, 1e-30));
    };
    double best = -2, bestErr = 1e9, anchor = -1;
    int at = 0;
    for (double bar : {12.0, 16.0}) {
        const int s0 = sampleAt(b, bar);
        double e = 0;
        const double c = follow(s0, e);
        if (c > best) { best = c; bestErr = e; anchor = bar; at = s0; }
    }
    if (step == 1.0)
        check(bestErr <= 1e-4, "the style-transfer clip plays sample for sample from PPQ " + juce::String(anchor)
                                       + " (max error " + juce::String(bestErr) + ")");
    else
        check(best > 0.95, "the style-transfer clip plays from PPQ " + juce::String(anchor) + ", resampled from "
                                   + juce::String(clipRate) + " to " + juce::String(rate) + " Hz (correlation "
                                   + juce::String(best, 4) + ")");
    check(b.out.getMagnitude(0, at) == 0.0f, "silence before it (while recording and waiting)");
    check(clip.getMagnitude(0, clip.getNumSamples()) > 0, "the clip is not silent");
    return failures == 0 ? 0 : 1;
}

/**
 * Tempo-locked loop: Bars = 1 at 120 BPM makes a one-bar loop clip (server mode "loop"). It must start at the
 * next bar line and restart on every bar line, 1:1 at the tempo it was made for; when the host changes to 90 BPM
 * mid-loop it stays locked: each restart still lands on the first sample of a bar.
 */
int loop(const juce::StringArray& args) {
    const double rate = 44100;
    const int block = 256;
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache"));
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead head;
    head.ppq = 1.3;
    auto plugin = startPlugin(fm, args, rate, block, head, true);
    if (plugin == nullptr) return 1;
    setPlain(*plugin, "Bars", 0.0f, 32.0f, 1.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 3.0f);
    switchOn(*plugin, "Generate");
    const double changeAt = 14.0;  // mid-way through the loop that starts at PPQ 12
    Bounce b = bounce(*plugin, head, rate, block, (int) (rate * 14), {}, [&](double ppq) { return ppq < changeAt ? 120.0 : 90.0; });
    plugin->releaseResources();
    juce::File cached = newestClip(cache);
    check(cached.existsAsFile(), "the loop clip arrived");
    juce::AudioBuffer<float> clip;
    double clipRate = 0;
    if (!cached.existsAsFile() || !serverClip(server, cached, clip, clipRate)) return 1;
    juce::var meta = getJson(server, "/v1/clips/" + clipIdOf(cached) + "/meta");
    check(meta.getProperty("mode", {}).toString() == "loop", "the server made it in loop mode (" + meta.getProperty("mode", {}).toString() + ")");
    const int frames = clip.getNumSamples();
    check(clipRate == rate && frames == (int) std::lround(2.0 * rate), "the clip is exactly one 4/4 bar at 120 BPM ("
                                                                            + juce::String(frames) + " frames at " + juce::String(clipRate) + " Hz)");
    const int first = sampleAt(b, 4.0);
    check(b.out.getMagnitude(0, first) == 0.0f, "silence before the first bar line after Generate (PPQ 4)");
    // At the tempo it was made for (PPQ 4 to 14: two and a half passes) the loop is the clip itself, frame for frame.
    double exact = 0;
    int compared = 0;
    for (int k = 0; first + k < b.out.getNumSamples() && b.ppq[(size_t) (first + k)] < changeAt; ++k, ++compared)
        for (int ch = 0; ch < 2; ++ch)
            exact = std::max(exact, (double) std::abs(b.out.getSample(ch, first + k) - clip.getSample(std::min(ch, clip.getNumChannels() - 1), k % frames)));
    check(compared > 2 * frames && exact <= 1e-4, "at 120 BPM the loop repeats the clip 1:1 over " + juce::String(compared)
                                                          + " samples (max error " + juce::String(exact) + ")");
    // Every restart, before and after the tempo change: the loop's head must line up at lag 0, no other lag.
    const double framesPerBeat = frames / 4.0;
    for (double bar = 8.0; bar <= 24.0; bar += 4.0) {
        const int s = sampleAt(b, bar);
        if (s + 600 >= b.out.getNumSamples()) break;
        auto errorAt = [&](int lag) {
            double e = 0;
            for (int j = -256; j < 256; ++j) {  // the loop's end, then its head again
                const double pos = (b.ppq[(size_t) (s + j)] - (j < 0 ? bar - 4.0 : bar)) * framesPerBeat;
                e = std::max(e, (double) std::abs(b.out.getSample(0, s + j + lag) - loopSample(clip, 0, pos)));
            }
            return e;
        };
        int bestLag = 0;
        double best = 1e9;
        for (int lag = -48; lag <= 48; ++lag)
            if (errorAt(lag) < best) { best = errorAt(lag); bestLag = lag; }
        check(bestLag == 0 && best <= 1e-4, "the loop restarts at PPQ " + juce::String(bar) + " (" + (bar > changeAt ? "90" : "120")
                                                    + " BPM) on sample " + juce::String(s) + " exactly (best lag " + juce::String(bestLag)
                                                    + ", max error " + juce::String(best) + ")");
    }
    return failures == 0 ? 0 : 1;
}

/**
 * Embedded audio: with "Embed audio in project" on, the saved state carries the clip's WAV. After the clip is
 * deleted from the server's store and the plugin's local copy is gone, that state still plays the clip at the
 * same place; the same state saved without embedding does not (so the embedded copy is what plays).
 */
int embedded(const juce::StringArray& args) {
    const double rate = 44100;
    const int block = 512;
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache"));
    const juce::String token = juce::File(arg(args, "--token-file")).loadFileAsString().trim();
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead head;
    head.ppq = 1.3;
    auto plugin = startPlugin(fm, args, rate, block, head, true);
    if (plugin == nullptr) return 1;
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 11.0f);
    switchOn(*plugin, "Generate");
    const int total = (int) (rate * 5);
    Bounce first = bounce(*plugin, head, rate, block, total);
    const int at = sampleAt(first, 4.0);
    check(first.out.getMagnitude(at, total - at) > 0, "a clip plays from PPQ 4");
    juce::File cached = newestClip(cache);
    if (!cached.existsAsFile()) { check(false, "the clip is in the plugin's cache"); return 1; }
    const juce::String id = clipIdOf(cached);
    // A host hands parameter changes to a VST3 with the next block: play one (the transport stands still).
    auto settle = [&] {
        juce::AudioBuffer<float> one(std::max(2, plugin->getTotalNumInputChannels()), block);
        juce::MidiBuffer midi;
        one.clear();
        plugin->processBlock(one, midi);
    };
    juce::MemoryBlock withAudio, without;
    switchOn(*plugin, "Embed audio");
    settle();
    plugin->getStateInformation(withAudio);
    if (auto* e = param(*plugin, "Embed audio")) e->setValue(0.0f);
    settle();
    plugin->getStateInformation(without);
    plugin->releaseResources();
    plugin.reset();
    check(withAudio.getSize() > without.getSize() + (size_t) cached.getSize(), "the embedding state is larger by the clip ("
                                                                                 + juce::String((juce::int64) withAudio.getSize()) + " vs "
                                                                                 + juce::String((juce::int64) without.getSize()) + " bytes)");

    // The clip leaves the server's store and the plugin's cache.
    juce::MemoryBlock body;
    const int deleted = http(server, "DELETE", "/v1/clips/" + id, token, body);
    check(deleted == 200 || deleted == 204, "deleted clip " + id + " from the server (" + juce::String(deleted) + ")");
    check(http(server, "GET", "/v1/clips/" + id, {}, body) == 404, "the server no longer has it");
    check(cached.deleteFile() && !cached.existsAsFile(), "removed the plugin's local copy");

    auto reopen = [&](const juce::MemoryBlock& state) {
        head.ppq = 1.3;
        head.bpm = 120;
        auto p = startPlugin(fm, args, rate, block, head, true);
        if (p == nullptr) return Bounce{};
        p->setStateInformation(state.getData(), (int) state.getSize());
        Bounce b = bounce(*p, head, rate, block, total);
        p->releaseResources();
        return b;
    };
    Bounce plain = reopen(without);
    check(plain.out.getNumSamples() == total && plain.out.getMagnitude(0, total) == 0.0f,
          "without embedded audio the restored project is silent (nothing left to play; the control case)");
    Bounce restored = reopen(withAudio);
    double diff = restored.out.getNumSamples() == total ? 0 : 1e9;
    for (int ch = 0; ch < 2 && diff < 1e9; ++ch)
        for (int i = 0; i < total; ++i) diff = std::max(diff, (double) std::abs(restored.out.getSample(ch, i) - first.out.getSample(ch, i)));
    check(diff <= 1e-6, "with embedded audio the restored project plays the same clip at the same PPQ (max diff " + juce::String(diff) + ")");
    int count = 0;
    juce::File again = newestClip(cache, &count);
    check(again.existsAsFile() && clipIdOf(again) == id, "the embedded clip is a file again for drag-out: " + again.getFullPathName());
    return failures == 0 ? 0 : 1;
}

/**
 * The plugin's own state inside a hosted VST3's state: JUCE's host wraps the component's bytes (the plugin's
 * XML as copyXmlToBinary wrote it, then the wrapper's private data) as base64 in <VST3PluginState><IComponent>.
 */
std::unique_ptr<juce::XmlElement> pluginXml(const juce::MemoryBlock& hostState, juce::MemoryBlock* component = nullptr) {
    auto head = juce::AudioProcessor::getXmlFromBinary(hostState.getData(), (int) hostState.getSize());
    auto* part = head != nullptr ? head->getChildByName("IComponent") : nullptr;
    juce::MemoryBlock bytes;
    if (part == nullptr || !bytes.fromBase64Encoding(part->getAllSubText().trim())) return nullptr;
    if (component != nullptr) *component = bytes;
    return juce::AudioProcessor::getXmlFromBinary(bytes.getData(), (int) bytes.getSize());
}

/** The host state with the plugin's XML replaced (the wrapper's private data after it kept as it was). */
bool replacePluginXml(juce::MemoryBlock& hostState, const juce::XmlElement& xml) {
    juce::MemoryBlock component;
    auto head = juce::AudioProcessor::getXmlFromBinary(hostState.getData(), (int) hostState.getSize());
    if (head == nullptr || pluginXml(hostState, &component) == nullptr) return false;
    const int ownSize = 8 + static_cast<const int*>(component.getData())[1];  // magic, length, XML text
    juce::MemoryBlock replaced;
    juce::AudioProcessor::copyXmlToBinary(xml, replaced);
    if (ownSize < (int) component.getSize())
        replaced.append(static_cast<const char*>(component.getData()) + ownSize, component.getSize() - (size_t) ownSize);
    auto* part = head->getChildByName("IComponent");
    part->deleteAllTextElements();
    part->addTextElement(replaced.toBase64Encoding());
    juce::AudioProcessor::copyXmlToBinary(*head, hostState);
    return true;
}

#if ! JUCE_WINDOWS
/**
 * Server auto-start: nothing listens at the plugin's server URL; the project sets the plugin's "start the
 * server" command; Generate (offline bounce) must start the server, wait for it and play its clip at PPQ 4.
 */
int autostart(const juce::StringArray& args) {
    const double rate = 48000;
    const int block = 512;
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache")), pidFile(arg(args, "--pid-file"));
    juce::MemoryBlock body;
    check(http(server, "GET", "/v1/health", {}, body) == 0, "no server answers at " + server + " before the test");
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead head;
    head.ppq = 1.3;
    auto plugin = startPlugin(fm, args, rate, block, head, true);
    if (plugin == nullptr) return 1;
    // The setting lives in the project (the plugin's state), as a DAW would restore it.
    juce::MemoryBlock state;
    plugin->getStateInformation(state);
    auto xml = pluginXml(state);
    if (xml == nullptr || !xml->hasTagName("Longplay")) { check(false, "the VST3 state holds the plugin's XML"); return 1; }
    xml->setAttribute("serverCommand", arg(args, "--server-command"));
    check(replacePluginXml(state, *xml), "set the server command in the project");
    plugin->setStateInformation(state.getData(), (int) state.getSize());
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    switchOn(*plugin, "Generate");
    const int total = (int) (rate * 4);
    Bounce b = bounce(*plugin, head, rate, block, total);
    const int pid = pidFile.loadFileAsString().trim().getIntValue();
    check(pid > 0 && ::kill(pid, 0) == 0, "the plugin ran the server command (server pid " + juce::String(pid) + ")");
    check(http(server, "GET", "/v1/health", {}, body) == 200, "the server it started answers at " + server);
    const int at = sampleAt(b, 4.0);
    check(b.out.getMagnitude(0, at) == 0.0f && b.out.getMagnitude(at, total - at) > 0,
          "its clip plays from PPQ 4 (silent before)");
    juce::File cached = newestClip(cache);
    juce::AudioBuffer<float> clip;
    double clipRate = 0;
    check(cached.existsAsFile() && serverClip(server, cached, clip, clipRate), "the clip came from the started server");
    juce::MemoryBlock saved;
    plugin->getStateInformation(saved);
    auto savedXml = pluginXml(saved);
    check(savedXml != nullptr && savedXml->getStringAttribute("serverCommand") == arg(args, "--server-command"),
          "the project keeps the server command");
    plugin->releaseResources();
    return failures == 0 ? 0 : 1;
}

#endif

/** Keeps the message loop running (timers, async clicks, repaints) for a while or until done() holds. */
bool pump(int maxMs, const std::function<bool()>& done) {
    const auto t0 = juce::Time::getMillisecondCounter();
    while (juce::Time::getMillisecondCounter() - t0 < (juce::uint32) maxMs) {
        juce::MessageManager::getInstance()->runDispatchLoopUntil(50);
        if (done && done()) return true;
    }
    return done ? done() : true;
}

/**
 * JUCE installs its own X error handlers only in a JUCEApplication; in this console host Xlib's default handler
 * would end the process on the first harmless error (a window-manager atom a bare Xvfb does not have). Count
 * and print them instead, as the standalone build's JUCE does silently.
 */
int xErrors = 0;
int onXError(void*, void*) {
    ++xErrors;
    return 0;
}
void tolerateXErrors() {
#if ! JUCE_WINDOWS
    using Handler = int (*)(void*, void*);
    if (void* x11 = dlopen("libX11.so.6", RTLD_NOW | RTLD_GLOBAL))
        if (auto set = reinterpret_cast<Handler (*)(Handler)>(dlsym(x11, "XSetErrorHandler")))
            set(onXError);
#endif
}

/**
 * The editor, opened in this process (the plugin's own sources) on the X display (Xvfb in CI): its controls are
 * there, the preset list is the server's, Generate makes a clip whose list entry is a real WAV file (what an
 * external drag hands the DAW), and a snapshot of it saved as PNG is not blank.
 */
int editor(const juce::StringArray& args) {
    const juce::String server = arg(args, "--server");
    const juce::File png(arg(args, "--png"));
    longplay::LongplayProcessor proc;
    proc.setRateAndBufferSizeDetails(44100, 512);
    proc.prepareToPlay(44100, 512);
    std::unique_ptr<juce::AudioProcessorEditor> ed(proc.createEditorIfNeeded());
    auto* editorView = dynamic_cast<longplay::LongplayEditor*>(ed.get());
    if (editorView == nullptr) { check(false, "the plugin has its editor"); return 1; }
    // A plain top-level window, as the standalone build makes (title-bar hints need a window manager's atoms,
    // which a bare Xvfb does not have).
    tolerateXErrors();
    ed->addToDesktop(juce::ComponentPeer::windowAppearsOnTaskbar);
    ed->setVisible(true);
    check(ed->getPeer() != nullptr && ed->isShowing(), "the editor opened as a window on the display");

    auto find = [&](const juce::String& id) { return ed->findChildWithID(id); };
    check(dynamic_cast<juce::TextEditor*>(find("prompt")) != nullptr, "control present: prompt");
    for (auto id : {"seconds", "bars", "seed", "cfg", "steps", "captureBars"})
        check(dynamic_cast<juce::Slider*>(find(id)) != nullptr, juce::String("control present: ") + id);
    const std::pair<const char*, const char*> buttons[] = {{"generate", "Generate"}, {"styleTransfer", "Style transfer from input"},
                                                           {"continue", "Continue"}, {"embed", "Embed audio in project"}};
    for (auto& [id, text] : buttons) {
        auto* b = dynamic_cast<juce::Button*>(find(id));
        check(b != nullptr && b->getButtonText() == text, juce::String("control present: ") + text);
    }
    check(dynamic_cast<juce::ProgressBar*>(find("progress")) != nullptr, "control present: progress bar");
    auto* list = dynamic_cast<juce::ListBox*>(find("clips"));
    check(list != nullptr, "control present: clip list");
    auto* preset = dynamic_cast<juce::ComboBox*>(find("preset"));
    check(preset != nullptr, "control present: preset (a list, not a text field)");
    if (list == nullptr || preset == nullptr) return 1;

    // The preset list is the server's own.
    juce::StringArray want;
    const juce::var listed = getJson(server, "/v1/presets").getProperty("presets", {});  // kept: items points into it
    if (auto* items = listed.getArray())
        for (auto& p : *items) want.add(p.getProperty("name", {}).toString());
    pump(30000, [&] { return preset->getNumItems() == want.size() + 1; });
    juce::StringArray shown;
    for (int i = 1; i < preset->getNumItems(); ++i) shown.add(preset->getItemText(i));
    check(want.size() > 0 && shown == want, "the preset list is GET /v1/presets (" + juce::String(shown.size()) + " presets: "
                                                    + shown.joinIntoString(", ").substring(0, 80) + ")");
    if (preset->getNumItems() > 1) {
        preset->setSelectedItemIndex(1, juce::sendNotificationSync);
        check(proc.text("preset") == preset->getItemText(1), "choosing a preset sets it for the next job (" + proc.text("preset") + ")");
        preset->setSelectedItemIndex(0, juce::sendNotificationSync);
        check(proc.text("preset").isEmpty(), "\"(server default)\" sends no preset");
    }

    // Generate from the button; the clip shows up in the list as a WAV file (the file an external drag carries).
    const std::pair<const char*, float> settings[] = {{"seconds", 2.0f}, {"steps", 8.0f}, {"seed", 21.0f}};
    for (auto& [id, value] : settings)
        if (auto* p = proc.params.getParameter(id)) p->setValueNotifyingHost(p->convertTo0to1(value));
    dynamic_cast<juce::Button*>(find("generate"))->triggerClick();
    check(pump(180000, [&] { return list->getModel() != nullptr && list->getModel()->getNumRows() > 0; }),
          "after Generate the clip list has an entry");
    const juce::File file = editorView->clipFileForRow(0);
    juce::MemoryBlock bytes, fromServer;
    file.loadFileAsData(bytes);
    juce::AudioBuffer<float> audio;
    double rate = 0;
    const bool isWav = readWav(bytes, audio, rate);
    check(file.existsAsFile() && file.hasFileExtension("wav") && isWav && audio.getNumSamples() > 0,
          "the clip list entry resolves to a real WAV file: " + file.getFullPathName() + " (" + juce::String(audio.getNumSamples()) + " frames)");
    const juce::String id = clipIdOf(file);
    check(http(server, "GET", "/v1/clips/" + id, {}, fromServer) == 200 && fromServer == bytes, "that file is the server's clip " + id);

    // The snapshot: rendered, saved as PNG, and not blank (many colours; text in the clip list's first row).
    pump(500, {});
    juce::Image shot = ed->createComponentSnapshot(ed->getLocalBounds(), true, 1.0f);
    png.deleteFile();
    {
        juce::FileOutputStream out(png);
        juce::PNGImageFormat format;
        check(out.openedOk() && format.writeImageToStream(shot, out), "saved the editor's snapshot to " + png.getFullPathName());
    }
    juce::Image back = juce::ImageFileFormat::loadFrom(png);
    check(back.isValid() && back.getWidth() == ed->getWidth() && back.getHeight() == ed->getHeight(),
          "the PNG reads back at " + juce::String(back.getWidth()) + "x" + juce::String(back.getHeight()));
    std::set<juce::uint32> colours;
    int notBackground = 0;
    const juce::Colour background(0xff1d1f24);
    for (int y = 0; y < back.getHeight(); ++y)
        for (int x = 0; x < back.getWidth(); ++x) {
            auto c = back.getPixelAt(x, y);
            colours.insert(c.getARGB());
            if (c != background) ++notBackground;
        }
    const double share = back.isValid() ? notBackground / (double) (back.getWidth() * back.getHeight()) : 0;
    check(colours.size() >= 16 && share > 0.1, "the snapshot is not blank (" + juce::String((int) colours.size()) + " colours, "
                                                        + juce::String(share * 100, 1) + "% not background)");
    auto rowArea = list->getBounds().withHeight(list->getRowHeight());
    int bright = 0;
    for (int y = rowArea.getY(); y < rowArea.getBottom(); ++y)
        for (int x = rowArea.getX(); x < rowArea.getRight(); ++x)
            if (back.getPixelAt(x, y).getBrightness() > 0.7f) ++bright;
    check(bright > 20, "the clip's row is drawn in the list (" + juce::String(bright) + " bright pixels)");
    std::cout << "(" << xErrors << " X errors ignored)" << std::endl;
    ed->removeFromDesktop();
    ed.reset();
    return failures == 0 ? 0 : 1;
}

}  // namespace

/**
 * The plugin's XML inside a hosted LV2's state: JUCE's LV2 host saves the plugin's LV2 state as Turtle, where the
 * JUCE wrapper's state is one base64 string property (<URI>:StateString). Returns the literal's [start, end).
 */
std::pair<int, int> lv2StateLiteral(const juce::String& ttl) {
    const int key = ttl.indexOf("StateString>");
    const int open = key < 0 ? -1 : ttl.indexOfChar(key, '"');
    int start = open + 1;
    while (start < ttl.length() && ttl[start] == '"') ++start;  // a long literal opens with three quotes
    const int end = open < 0 ? -1 : ttl.indexOfChar(start, '"');
    return {open < 0 ? -1 : start, end};
}

std::unique_ptr<juce::XmlElement> anyPluginXml(const juce::MemoryBlock& hostState) {
    if (auto x = pluginXml(hostState)) return x;
    const juce::String ttl = hostState.toString();
    const auto [start, end] = lv2StateLiteral(ttl);
    juce::MemoryBlock bytes;
    if (start < 0 || end < 0 || !bytes.fromBase64Encoding(ttl.substring(start, end))) return nullptr;
    return juce::AudioProcessor::getXmlFromBinary(bytes.getData(), (int) bytes.getSize());
}

bool replaceAnyPluginXml(juce::MemoryBlock& hostState, const juce::XmlElement& xml) {
    if (pluginXml(hostState) != nullptr) return replacePluginXml(hostState, xml);
    const juce::String ttl = hostState.toString();
    const auto [start, end] = lv2StateLiteral(ttl);
    if (start < 0 || end < 0) return false;
    juce::MemoryBlock bytes;
    juce::AudioProcessor::copyXmlToBinary(xml, bytes);
    const juce::String replaced = ttl.substring(0, start) + bytes.toBase64Encoding() + ttl.substring(end);
    hostState.replaceAll(replaced.toRawUTF8(), replaced.getNumBytesAsUTF8());
    return true;
}

/** Renders `total` samples from PPQ `startPpq` (sample position = PPQ at the head's tempo), the head moving exactly. */
juce::AudioBuffer<float> renderTimeline(juce::AudioPluginInstance& p, FakePlayHead& head, double rate, int block,
                                        double startPpq, int total, const std::function<void(int)>& beforeBlock = {}) {
    juce::AudioBuffer<float> rec(2, total);
    juce::AudioBuffer<float> buf(std::max({2, p.getTotalNumInputChannels(), p.getTotalNumOutputChannels()}), block);
    juce::MidiBuffer midi;
    const double spb = rate * 60.0 / head.bpm;
    const int64_t startSample = (int64_t) std::llround(startPpq * spb);
    for (int done = 0; done < total; done += block) {
        const int n = std::min(block, total - done);
        head.announce = done == 0;  // sparse modes: the position comes once, when the transport starts
        if (beforeBlock) beforeBlock(done);
        head.samples = startSample + done;
        head.ppq = (double) head.samples / spb;
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), n);
        view.clear();
        p.processBlock(view, midi);
        for (int ch = 0; ch < 2; ++ch) rec.copyFrom(ch, done, view, std::min(ch, view.getNumChannels() - 1), 0, n);
    }
    return rec;
}

/** Normalised correlation of a and b (channel 0) over [from, to), b shifted by lag. */
double correlation(const juce::AudioBuffer<float>& a, const juce::AudioBuffer<float>& b, int from, int to, int lag) {
    double xy = 0, xx = 0, yy = 0;
    for (int i = std::max(from, -lag); i < to && i + lag < b.getNumSamples(); ++i) {
        const double x = a.getSample(0, i), y = b.getSample(0, i + lag);
        xy += x * y; xx += x * x; yy += y * y;
    }
    return xy / std::sqrt(std::max(xx * yy, 1e-30));
}

/**
 * A host that rounds its musical position (Ardour: 1/1920 beat) or jitters it (--ppq ardour|jitter) but counts
 * samples exactly. A clip is made and bounced with an exact play head (the reference); then a second instance
 * gets the project without the clip's anchor (so it must place the clip from the degraded PPQ itself) and plays
 * the same bars. Its output must be the reference sample for sample from the bar on: every block best aligned
 * at lag 0 (no per-block drift), correlation >= 0.99. Stopping the transport must silence it, and rolling
 * again from where it stopped must carry on sample-exact.
 */
int timeline(const juce::StringArray& args) {
    const double rate = arg(args, "--rate", "48000").getDoubleValue();
    const int block = arg(args, "--block", "1024").getIntValue();
    const juce::String ppqMode = arg(args, "--ppq", "ardour");
    const juce::File cache(arg(args, "--cache"));
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead exactHead;
    const double startPpq = 1.3;
    auto plugin = startPlugin(fm, args, rate, block, exactHead, true);
    if (plugin == nullptr) return 1;
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 11.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    pressGenerate(*plugin);
    const int total = (int) (rate * 5);  // the 2 s clip from PPQ 4 (1.35 s in)
    const auto reference = renderTimeline(*plugin, exactHead, rate, block, startPpq, total);
    const double spb = rate * 60.0 / exactHead.bpm;
    const int barSample = (int) (std::llround(4.0 * spb) - std::llround(startPpq * spb));
    const int clipEnd = barSample + (int) (rate * 2.0) - 4;
    check(reference.getMagnitude(0, barSample) == 0.0f && reference.getMagnitude(barSample, (int) rate) > 0.0f,
          "with an exact play head the clip starts on the bar's sample " + juce::String(barSample));
    check(newestClip(cache).existsAsFile(), "the clip arrived");

    juce::MemoryBlock state;
    plugin->getStateInformation(state);
    plugin->releaseResources();
    plugin.reset();
    auto xml = anyPluginXml(state);
    if (xml == nullptr) {
        check(false, "the plugin's XML inside the saved state");
        return 1;
    }
    for (auto* c : xml->getChildWithTagNameIterator("Clip")) {
        c->removeAttribute("anchorPpq");
        c->removeAttribute("anchorSample");
    }
    check(replaceAnyPluginXml(state, *xml), "the project without the clip's anchor");

    FakePlayHead head;
    head.mode = ppqMode == "jitter" ? FakePlayHead::Ppq::jitter
              : ppqMode == "ardour-lv2" ? FakePlayHead::Ppq::ardourLv2 : FakePlayHead::Ppq::ardour;
    auto again = startPlugin(fm, args, rate, block, head, true);
    if (again == nullptr) return 1;
    again->setStateInformation(state.getData(), (int) state.getSize());
    const auto out = renderTimeline(*again, head, rate, block, startPpq, total);
    // Where the clip landed: exactly on the bar for a host that rounds (Ardour); a host that adds random jitter
    // leaves the grid uncertain by a fraction of a tick, so there it may land one sample off, but it must then
    // stay exactly that far off in every block (no drift, no jumps at block boundaries).
    int shift = 0;
    double bestWhole = -2;
    for (int lag = -4; lag <= 4; ++lag) {
        const double c = correlation(reference, out, barSample, clipEnd, lag);
        if (c > bestWhole) { bestWhole = c; shift = lag; }
    }
    const int allowed = head.mode == FakePlayHead::Ppq::jitter ? 1 : 0;
    check(std::abs(shift) <= allowed, "PPQ " + ppqMode + ": the clip starts " + juce::String(shift) + " samples from the bar (at most "
                                          + juce::String(allowed) + ")");
    double maxDiff = 0;
    for (int i = std::max(0, -shift); i < total && i + shift < total; ++i)
        maxDiff = std::max(maxDiff, (double) std::abs(out.getSample(0, i + shift) - reference.getSample(0, i)));
    const double whole = correlation(reference, out, barSample, clipEnd, shift);
    int badBlocks = 0, blocks = 0;
    for (int from = barSample; from + block <= clipEnd; from += block) {
        int bestLag = 0;
        double best = -2;
        for (int lag = -16; lag <= 16; ++lag) {
            const double c = correlation(reference, out, from, from + block, lag);
            if (c > best) { best = c; bestLag = lag; }
        }
        ++blocks;
        if (bestLag != shift) {
            if (badBlocks == 0) std::cout << "     first block off: at sample " << from << ", best lag " << bestLag << std::endl;
            ++badBlocks;
        }
    }
    check(whole >= 0.99 && maxDiff <= 1e-6, "PPQ " + ppqMode + ": the clip plays sample for sample as with an exact play head "
                                                "(correlation " + juce::String(whole, 5) + ", max diff " + juce::String(maxDiff) + ")");
    check(blocks > 0 && badBlocks == 0, "PPQ " + ppqMode + ": every block lines up at the same lag " + juce::String(shift) + " ("
                                            + juce::String(badBlocks) + " of " + juce::String(blocks) + " off)");

    // Stop mid-clip for a while, then roll on from the same place: silence while stopped, then exact again.
    const int stopAt = barSample + (int) (rate * 0.5) / block * block, stopBlocks = 8;
    juce::AudioBuffer<float> buf(std::max({2, again->getTotalNumInputChannels(), again->getTotalNumOutputChannels()}), block);
    juce::MidiBuffer midi;
    auto third = startPlugin(fm, args, rate, block, head, true);
    if (third == nullptr) return 1;
    third->setStateInformation(state.getData(), (int) state.getSize());
    const int64_t startSample = std::llround(startPpq * spb);
    float whileStopped = 0, maxAfter = 0;
    juce::AudioBuffer<float> resumed(2, total);
    int pos = 0, stoppedBlocks = 0;
    while (pos < total) {
        const bool stopped = pos == stopAt && stoppedBlocks < stopBlocks;
        if (stopped) ++stoppedBlocks;
        head.announce = pos == 0 || head.playing == stopped;  // a host reports starts and stops
        head.playing = !stopped;
        head.samples = startSample + pos;
        head.ppq = (double) head.samples / spb;
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), std::min(block, total - pos));
        view.clear();
        third->processBlock(view, midi);
        if (stopped) {
            whileStopped = std::max(whileStopped, view.getMagnitude(0, 0, view.getNumSamples()));
            continue;  // the host's position stands still while stopped
        }
        resumed.copyFrom(0, pos, view, 0, 0, view.getNumSamples());
        pos += view.getNumSamples();
    }
    int shift3 = 0;
    double best3 = -2;
    for (int lag = -4; lag <= 4; ++lag) {
        const double c = correlation(reference, resumed, barSample, clipEnd, lag);
        if (c > best3) { best3 = c; shift3 = lag; }
    }
    for (int i = std::max(0, -shift3); i < total && i + shift3 < total; ++i)
        maxAfter = std::max(maxAfter, std::abs(resumed.getSample(0, i + shift3) - reference.getSample(0, i)));
    maxAfter = std::abs(shift3) <= allowed ? maxAfter : 1.0f;
    check(whileStopped == 0.0f, "silence while the transport is stopped (peak " + juce::String(whileStopped) + ")");
    check(maxAfter <= 1e-6f, "after rolling again from the same place the clip carries on sample for sample (max diff "
                                  + juce::String(maxAfter) + ")");
    return failures == 0 ? 0 : 1;
}

bool readWavFile(const juce::String& path, juce::AudioBuffer<float>& out, double& rate) {
    juce::MemoryBlock bytes;
    return juce::File(path).loadFileAsData(bytes) && readWav(bytes, out, rate);
}

/** --same <wav>: another take of the same session (e.g. after reopening it) must equal `take` bit for bit. */
void checkSameTake(const juce::StringArray& args, const juce::AudioBuffer<float>& take) {
    const juce::String same = arg(args, "--same");
    if (same.isEmpty()) return;
    juce::AudioBuffer<float> other;
    double otherRate = 0;
    bool ok = readWavFile(same, other, otherRate) && other.getNumSamples() == take.getNumSamples();
    double diff = 0;
    for (int ch = 0; ok && ch < 2; ++ch)
        for (int i = 0; i < take.getNumSamples(); ++i)
            diff = std::max(diff, (double) std::abs(other.getSample(std::min(ch, other.getNumChannels() - 1), i)
                                                    - take.getSample(std::min(ch, take.getNumChannels() - 1), i)));
    check(ok && diff == 0.0, "the other take (" + juce::File(same).getFileName() + ") is identical (max diff " + juce::String(diff) + ")");
}

/**
 * Checks a take a real host made (e.g. Ardour's export) against the server's clip, read from files:
 *   compare --take <wav> --clip <wav> --from <first sample of the bar> [--block N] [--same <other take>]
 * Silence before --from; from there the clip sample for sample (same rate: max error <= 1e-4, correlation
 * >= 0.99, every block best aligned at lag 0); silence after it; --same: another take identical to this one.
 */
int compare(const juce::StringArray& args) {
    juce::AudioBuffer<float> take, clip;
    double takeRate = 0, clipRate = 0;
    if (!readWavFile(arg(args, "--take"), take, takeRate) || !readWavFile(arg(args, "--clip"), clip, clipRate)) {
        check(false, "read the take and the clip");
        return 1;
    }
    const int from = arg(args, "--from").getIntValue();
    const int block = arg(args, "--block", "1024").getIntValue();
    check(takeRate == clipRate, "the take is at the clip's rate (" + juce::String(takeRate) + " Hz)");
    const float before = take.getMagnitude(0, std::min(from, take.getNumSamples()));
    check(before == 0.0f, "silence before the bar (peak " + juce::String(before) + ")");
    const int n = std::min(clip.getNumSamples(), take.getNumSamples() - from);
    check(n > (int) clipRate / 2, "the take holds at least half a second of the clip (" + juce::String(n) + " frames)");
    if (n <= 0) return 1;
    juce::AudioBuffer<float> aligned(2, n);  // the clip where it should be, as a take-sized signal from `from`
    juce::AudioBuffer<float> got(2, n);
    for (int ch = 0; ch < 2; ++ch) {
        aligned.copyFrom(ch, 0, clip, std::min(ch, clip.getNumChannels() - 1), 0, n);
        got.copyFrom(ch, 0, take, std::min(ch, take.getNumChannels() - 1), from, n);
    }
    double maxErr = 0;
    for (int ch = 0; ch < 2; ++ch)
        for (int i = 0; i < n; ++i) maxErr = std::max(maxErr, (double) std::abs(got.getSample(ch, i) - aligned.getSample(ch, i)));
    const double whole = correlation(aligned, got, 0, n, 0);
    int badBlocks = 0, blocks = 0, worstLag = 0;
    for (int b = 0; b + block <= n; b += block) {
        int bestLag = 0;
        double best = -2;
        for (int lag = -32; lag <= 32; ++lag) {
            const double c = correlation(aligned, got, b, b + block, lag);
            if (c > best) { best = c; bestLag = lag; }
        }
        ++blocks;
        if (bestLag != 0) { ++badBlocks; worstLag = std::abs(bestLag) > std::abs(worstLag) ? bestLag : worstLag; }
    }
    check(whole >= 0.99, "the take from the bar on correlates with the clip: " + juce::String(whole, 6));
    check(maxErr <= 1e-4, "the take from the bar on is the clip sample for sample (max error " + juce::String(maxErr) + ")");
    check(blocks > 0 && badBlocks == 0, "every " + juce::String(block) + "-frame block lines up at lag 0 (" + juce::String(badBlocks)
                                            + " of " + juce::String(blocks) + " off, worst lag " + juce::String(worstLag) + ")");
    if (from + clip.getNumSamples() + 1 < take.getNumSamples()) {
        const float after = take.getMagnitude(0, from + clip.getNumSamples() + 1, take.getNumSamples() - from - clip.getNumSamples() - 1);
        check(after == 0.0f, "silence after the one-shot clip (peak " + juce::String(after) + ")");
    }
    checkSameTake(args, take);
    return failures == 0 ? 0 : 1;
}

/**
 * Checks a real host's take of the instrument (e.g. Ardour playing a MIDI region into the plugin):
 *   notes --take <wav> --voice <start>,<stop>,<clip wav>,<gain> [--voice ...] [--same <other take>]
 * Each voice: from take sample `start` up to `stop` (or the clip's end) the take is the clip from its first frame
 * times `gain` on both channels (max error <= 1e-5), and at lags -32..32 only lag 0 fits; everywhere outside the
 * voices the take is silent (before the first note, between gated notes, after the last).
 */
int notes(const juce::StringArray& args) {
    juce::AudioBuffer<float> take;
    double rate = 0;
    if (!readWavFile(arg(args, "--take"), take, rate) || take.getNumChannels() < 2) {
        check(false, "read the take (stereo) " + arg(args, "--take"));
        return 1;
    }
    std::vector<bool> voiced((size_t) take.getNumSamples(), false);
    for (int i = args.indexOf("--voice"); i >= 0 && i + 1 < args.size(); i = args.indexOf("--voice", false, i + 1)) {
        const auto f = juce::StringArray::fromTokens(args[i + 1], ",", {});
        juce::AudioBuffer<float> clip;
        double clipRate = 0;
        if (f.size() != 4 || !readWavFile(f[2], clip, clipRate) || clipRate != rate) {
            check(false, "read the voice " + args[i + 1] + " (a clip at the take's rate)");
            continue;
        }
        const int start = f[0].getIntValue();
        const int stop = std::min({f[1].getIntValue(), start + clip.getNumSamples(), take.getNumSamples()});
        const float gain = f[3].getFloatValue();
        auto errorAt = [&](int lag) {
            double e = 0;
            for (int ch = 0; ch < 2; ++ch)
                for (int k = std::max(0, -lag); start + k + lag < stop; ++k)
                    e = std::max(e, (double) std::abs(take.getSample(ch, start + k + lag)
                                                      - gain * clip.getSample(std::min(ch, clip.getNumChannels() - 1), k)));
            return e;
        };
        const double atZero = errorAt(0);
        double nearest = 1e9;
        for (int lag = -32; lag <= 32; ++lag)
            if (lag != 0) nearest = std::min(nearest, errorAt(lag));
        check(stop - start > (int) rate / 4 && atZero <= 1e-5 && nearest > 100 * atZero,
              "from sample " + juce::String(start) + " to " + juce::String(stop) + " the take is " + juce::File(f[2]).getFileName()
                  + " x " + juce::String(gain, 4) + " from its first frame (max error " + juce::String(atZero)
                  + "; best other lag's error " + juce::String(nearest) + ")");
        for (int k = std::max(0, start); k < stop; ++k) voiced[(size_t) k] = true;
    }
    float outside = 0;
    int loudest = -1;
    for (int ch = 0; ch < 2; ++ch)
        for (int k = 0; k < take.getNumSamples(); ++k)
            if (!voiced[(size_t) k] && std::abs(take.getSample(ch, k)) > outside) { outside = std::abs(take.getSample(ch, k)); loudest = k; }
    check(outside == 0.0f, "silence outside the notes' voices (peak " + juce::String(outside)
                               + (loudest >= 0 ? " at sample " + juce::String(loudest) : juce::String()) + ")");
    checkSameTake(args, take);
    return failures == 0 ? 0 : 1;
}

/** A MIDI event for the slots test: at host sample `at` (from the start of the bounce). */
struct NoteEvent {
    int at;
    juce::MidiMessage message;
};

/** Bounces `total` samples from sample 0 (PPQ 0) with exact positions, delivering the notes in their blocks. */
juce::AudioBuffer<float> renderNotes(juce::AudioPluginInstance& p, FakePlayHead& head, double rate, int block,
                                     int64_t startSample, int total, const std::vector<NoteEvent>& notes) {
    juce::AudioBuffer<float> rec(2, total);
    juce::AudioBuffer<float> buf(std::max({2, p.getTotalNumInputChannels(), p.getTotalNumOutputChannels()}), block);
    for (int done = 0; done < total; done += block) {
        const int n = std::min(block, total - done);
        juce::MidiBuffer midi;
        for (auto& e : notes)
            if (e.at >= done && e.at < done + n) midi.addEvent(e.message, e.at - done);
        head.samples = startSample + done;
        head.ppq = (double) head.samples * head.bpm / 60.0 / rate;
        juce::AudioBuffer<float> view(buf.getArrayOfWritePointers(), buf.getNumChannels(), n);
        view.clear();
        p.processBlock(view, midi);
        for (int ch = 0; ch < 2; ++ch) rec.copyFrom(ch, done, view, std::min(ch, view.getNumChannels() - 1), 0, n);
    }
    return rec;
}

/** Zero crossings per sample of channel 0 over [from, from + n): a rough measure of pitch for noise-like audio. */
double crossingRate(const juce::AudioBuffer<float>& b, int from, int n) {
    int c = 0;
    for (int i = from + 1; i < from + n && i < b.getNumSamples(); ++i)
        if ((b.getSample(0, i - 1) < 0) != (b.getSample(0, i) < 0)) ++c;
    return (double) c / std::max(1, n);
}

/**
 * The instrument: clips generated into slots, MIDI notes trigger them (VST3, 44.1 kHz = the clip's rate, so
 * exact). Slot 2 (note 61): a note mid-beat with "Start at: next beat" starts the clip on the next beat's first
 * sample at velocity/127 gain; gated with "next bar" and pan hard left: it starts on the next bar, stops at the
 * note-off, the right channel stays silent; pitch -12 semitones: as long, not the same samples, about half the
 * zero crossings. Slot 3 (note 62): a one-bar clip made at 120 BPM played at 90 BPM lasts 120/90 times as long.
 */
int slots(const juce::StringArray& args) {
    const double rate = 44100;
    const int block = 512;
    const juce::String server = arg(args, "--server");
    const juce::File cache(arg(args, "--cache"));
    juce::AudioPluginFormatManager fm;
    fm.addDefaultFormats();
    FakePlayHead head;
    head.samples = 0;
    auto plugin = startPlugin(fm, args, rate, block, head, true);
    if (plugin == nullptr) return 1;
    check(plugin->acceptsMidi(), "the plugin takes MIDI");
    if (auto* t = param(*plugin, "Slots only")) t->setValue(1.0f);  // the timeline muted: only the slots sound
    setPlain(*plugin, "New clips to slot", 0.0f, 8.0f, 2.0f);
    setPlain(*plugin, "Seconds", 1.0f, 47.0f, 2.0f);
    setPlain(*plugin, "Seed", -1.0f, 1000000.0f, 3.0f);
    setPlain(*plugin, "Steps", 0.0f, 250.0f, 8.0f);
    if (auto* q = param(*plugin, "Start at")) q->setValue(1.0f);  // next beat
    pressGenerate(*plugin);
    const double spb = rate * 60.0 / head.bpm;  // 22050
    auto at = [&](double ppq) { return (int) std::llround(ppq * spb); };
    const int total = at(20);
    std::vector<NoteEvent> notes{
        {at(1.37), juce::MidiMessage::noteOn(1, 61, (juce::uint8) 64)},   // -> PPQ 2, one-shot, 2 s = PPQ 2..6
    };
    auto first = renderNotes(*plugin, head, rate, block, 0, at(7), notes);
    juce::File cached = newestClip(cache);
    juce::AudioBuffer<float> clip;
    double clipRate = 0;
    if (!cached.existsAsFile() || !serverClip(server, cached, clip, clipRate)) return 1;
    check(first.getMagnitude(0, at(2)) == 0.0f, "silence until the next beat after the note");
    double err = 0;
    const float vel = 64.0f / 127.0f;
    for (int ch = 0; ch < 2; ++ch)
        for (int i = 0; i < clip.getNumSamples(); ++i)
            err = std::max(err, (double) std::abs(first.getSample(ch, at(2) + i) - vel * clip.getSample(std::min(ch, clip.getNumChannels() - 1), i)));
    check(err <= 1e-4, "note 61 at PPQ 1.37 plays slot 2 from the first sample of beat 2 at velocity 64/127 (max error "
                           + juce::String(err) + ")");
    const int end = at(2) + clip.getNumSamples();
    check(first.getMagnitude(end, at(7) - end) == 0.0f, "one-shot: silence after the clip");

    // Gated, next bar, hard left, full velocity.
    if (auto* q = param(*plugin, "Start at")) q->setValue(0.0f);
    if (auto* m = param(*plugin, "Slot notes")) m->setValue(1.0f);
    setPlain(*plugin, "Slot 2 pan", -1.0f, 1.0f, -1.0f);
    notes = {{at(9.3) - at(7), juce::MidiMessage::noteOn(1, 61, (juce::uint8) 127)},
             {at(12.5) - at(7), juce::MidiMessage::noteOff(1, 61)}};
    auto second = renderNotes(*plugin, head, rate, block, at(7), at(14) - at(7), notes);
    const int barAt = at(12) - at(7), offAt = at(12.5) - at(7);
    err = 0;
    for (int i = 0; i < offAt - barAt; ++i) err = std::max(err, (double) std::abs(second.getSample(0, barAt + i) - clip.getSample(0, i)));
    check(second.getMagnitude(0, barAt) == 0.0f && err <= 1e-4,
          "gated, next bar: a note at PPQ 9.3 starts on bar 4 (PPQ 12) exactly (max error " + juce::String(err) + ")");
    check(second.getMagnitude(1, 0, second.getNumSamples()) == 0.0f, "pan hard left: the right channel is silent");
    check(second.getMagnitude(0, offAt, second.getNumSamples() - offAt) == 0.0f, "gated: silence from the note-off on");

    // Pitch -12 (down: the tiny model's noise-like clip has much of its energy near Nyquist, which an octave up
    // would fold away): same length, other samples, about half the zero crossings.
    setPlain(*plugin, "Slot 2 pan", -1.0f, 1.0f, 0.0f);
    setPlain(*plugin, "Slot 2 pitch", -12.0f, 12.0f, -12.0f);
    if (auto* g = param(*plugin, "Generate")) g->setValue(0.0f);  // released here; pressed again below, blocks later
    if (auto* m = param(*plugin, "Slot notes")) m->setValue(0.0f);
    // A host hands parameter changes over with the next block: play stopped blocks for a while, during which the
    // client thread re-renders the slot (Rubber Band).
    auto idle = [&](int ms) {
        head.playing = false;
        for (int waited = 0; waited < ms; waited += 50) {
            renderNotes(*plugin, head, rate, block, 0, block, {});
            juce::Thread::sleep(50);
        }
        head.playing = true;
    };
    idle(3000);
    notes = {{at(14.5) - at(14), juce::MidiMessage::noteOn(1, 61, (juce::uint8) 127)}};
    auto third = renderNotes(*plugin, head, rate, block, at(14), at(19) - at(14), notes);
    const int pitchedAt = at(16) - at(14);
    double diff = 0;
    for (int i = 0; i < clip.getNumSamples(); ++i) diff = std::max(diff, (double) std::abs(third.getSample(0, pitchedAt + i) - clip.getSample(0, i)));
    const double zClip = crossingRate(clip, 0, clip.getNumSamples()), zUp = crossingRate(third, pitchedAt, clip.getNumSamples());
    check(third.getMagnitude(0, pitchedAt) == 0.0f && third.getMagnitude(pitchedAt, clip.getNumSamples()) > 0.0f && diff > 0.01,
          "pitch -12: the slot plays other samples from the bar (max difference from the clip " + juce::String(diff) + ")");
    check(zUp < 0.7 * zClip, "pitch -12: zero crossings per sample " + juce::String(zUp, 4) + " vs the clip's " + juce::String(zClip, 4));

    // Host tempo: a one-bar loop made at 120 BPM, played from slot 3 at 90 BPM, is 120/90 times as long.
    setPlain(*plugin, "New clips to slot", 0.0f, 8.0f, 3.0f);
    setPlain(*plugin, "Bars", 0.0f, 32.0f, 1.0f);
    if (auto* q = param(*plugin, "Start at")) q->setValue(1.0f);  // next beat
    int clipsBefore = 0;
    newestClip(cache, &clipsBefore);
    if (auto* g = param(*plugin, "Generate")) g->setValue(1.0f);
    idle(100);
    renderNotes(*plugin, head, rate, block, at(19), at(20) - at(19), {});  // the clip arrives (offline wait)
    int clipsAfter = 0;
    newestClip(cache, &clipsAfter);
    check(clipsAfter == clipsBefore + 1, "a one-bar clip arrived for slot 3");
    head.bpm = 90;
    for (int i = 0; i < 40; ++i) {  // the host plays on at 90 BPM while the client thread re-renders the slot
        renderNotes(*plugin, head, rate, block, (int64_t) (at(20) + i * block), block, {});
        juce::Thread::sleep(50);
    }
    const double spb90 = rate * 60.0 / 90.0;
    const int64_t base = (int64_t) std::ceil(24.0 * spb90);
    const int len = (int) (rate * 4);
    auto fourth = renderNotes(*plugin, head, rate, block, base, len, {{100, juce::MidiMessage::noteOn(1, 62, (juce::uint8) 127)}});
    int firstSound = -1, lastSound = -1;
    for (int i = 0; i < len; ++i)
        if (fourth.getSample(0, i) != 0.0f || fourth.getSample(1, i) != 0.0f) { if (firstSound < 0) firstSound = i; lastSound = i; }
    const double want = 88200.0 * 120.0 / 90.0;
    const double got = lastSound - firstSound + 1;
    check(firstSound >= 0 && std::abs(got - want) <= 0.01 * want,
          "at 90 BPM the 120 BPM bar from slot 3 lasts " + juce::String(got, 0) + " samples (" + juce::String(want, 0) + " expected, within 1 %)");
    plugin->releaseResources();
    return failures == 0 ? 0 : 1;
}

/**
 * Saves an LV2 preset that holds a generated clip, the way a user keeps a sound: the plugin (its own sources,
 * in this process) makes a clip with the server, and its state goes into a preset bundle for LV2 hosts
 * (JUCE's LV2 wrapper restores state from the string property <URI>:StateString):
 *   lv2preset --server <url> --cache <dir> --bundle <dir.lv2> --label <text> [--uri U] [--seconds S] [--seed N] [--steps N]
 *             [--slots K] [--set id=value,...] [--slot-list <file>]
 * --slots K makes K clips (seeds N, N+1, ...), clip k going to slot k; --set sets parameters (plain values) before
 * the state is saved; --slot-list writes one "slot clip-id" line per slot filled.
 */
int lv2preset(const juce::StringArray& args) {
    longplay::LongplayProcessor proc;
    proc.setRateAndBufferSizeDetails(44100, 1024);
    proc.prepareToPlay(44100, 1024);
    auto set = [&](const char* id, float plain) {
        if (auto* p = proc.params.getParameter(id)) p->setValueNotifyingHost(p->convertTo0to1(plain));
    };
    set("seconds", arg(args, "--seconds", "2").getFloatValue());
    set("steps", arg(args, "--steps", "8").getFloatValue());
    const int seed = arg(args, "--seed", "5").getIntValue();
    const int slots = juce::jlimit(1, longplay::SlotBank::kSlots, arg(args, "--slots", "1").getIntValue());
    juce::String slotList;
    for (int k = 1; k <= slots; ++k) {
        set("newClipSlot", (float) k);
        set("seed", (float) (seed + k - 1));
        proc.requestGenerate("text");
        const auto t0 = juce::Time::getMillisecondCounterHiRes();
        while ((int) proc.clipList().size() < k && juce::Time::getMillisecondCounterHiRes() - t0 < 300000) juce::Thread::sleep(100);
        const auto made = proc.clipList();
        check((int) made.size() == k, "the plugin made clip " + juce::String(k) + " for the preset");
        if ((int) made.size() != k) return 1;
        slotList << k << " " << made.back().id << "\n";
    }
    for (const auto& kv : juce::StringArray::fromTokens(arg(args, "--set"), ",", {})) {
        auto* p = proc.params.getParameter(kv.upToFirstOccurrenceOf("=", false, false).trim());
        check(p != nullptr, "the plugin has the parameter " + kv);
        if (p == nullptr) return 1;
        p->setValueNotifyingHost(p->convertTo0to1(kv.fromFirstOccurrenceOf("=", false, false).getFloatValue()));
    }
    if (arg(args, "--slot-list").isNotEmpty()) juce::File(arg(args, "--slot-list")).replaceWithText(slotList, false, false, "\n");
    juce::MemoryBlock state;
    proc.getStateInformation(state);
    const juce::File bundle(arg(args, "--bundle"));
    bundle.createDirectory();
    const juce::String uri = arg(args, "--uri", "https://longplay.dev/plugins/longplay");
    const juce::String presetUri = uri + "/presets/" + juce::URL::addEscapeChars(arg(args, "--label"), false);
    const juce::String prefixes = "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
                                  "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
                                  "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                                  "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n\n";
    // The parameters as LV2 presets carry them: one value per control port (symbol = parameter ID, plain value).
    juce::String ports;
    for (auto* p : proc.getParameters())
        if (auto* ranged = dynamic_cast<juce::RangedAudioParameter*>(p))
            ports << (ports.isEmpty() ? "\tlv2:port [\n" : "\t] , [\n") << "\t\tlv2:symbol \"" << ranged->getParameterID()
                  << "\" ;\n\t\tpset:value " << ranged->convertFrom0to1(ranged->getValue()) << " ;\n";
    if (ports.isNotEmpty()) ports << "\t] ;\n";
    bool ok = bundle.getChildFile("manifest.ttl").replaceWithText(
            prefixes + "<" + presetUri + ">\n\ta pset:Preset ;\n\tlv2:appliesTo <" + uri + "> ;\n\trdfs:seeAlso <preset.ttl> .\n");
    ok = ok && bundle.getChildFile("preset.ttl").replaceWithText(
            prefixes + "<" + presetUri + ">\n\ta pset:Preset ;\n\tlv2:appliesTo <" + uri + "> ;\n\trdfs:label \""
            + arg(args, "--label") + "\" ;\n" + ports + "\tstate:state [\n\t\t<" + uri + ":StateString> \"" + state.toBase64Encoding()
            + "\"\n\t] .\n");
    check(ok, "wrote the preset bundle " + bundle.getFullPathName());
    return failures == 0 ? 0 : 1;
}

/**
 * Checks the parameters a real host reads against the plugin's own state:
 *   params --values <file> --phase <name> [--lv2-state <state.ttl>]
 * --values holds "<phase> <value> <label>" lines as the host read them; those of --phase are checked. Every
 * parameter of the plugin must be there under its name, holding the value the plugin's state holds: the state
 * in --lv2-state (the base64 StateString JUCE's LV2 client stores, which the host saved with its session), or
 * without it the plugin's defaults (a plugin just inserted).
 */
int params(const juce::StringArray& args) {
    longplay::LongplayProcessor proc;  // names, IDs and defaults of the parameters
    std::map<juce::String, float> expected;  // by parameter ID, plain values
    for (auto* p : proc.getParameters())
        if (auto* r = dynamic_cast<juce::RangedAudioParameter*>(p)) expected[r->getParameterID()] = r->convertFrom0to1(r->getDefaultValue());
    const juce::String statePath = arg(args, "--lv2-state");
    if (statePath.isNotEmpty()) {
        const juce::String ttl = juce::File(statePath).loadFileAsString();
        const juce::String base64 = ttl.fromFirstOccurrenceOf(":StateString>", false, false)
                                        .fromFirstOccurrenceOf("\"", false, false).upToFirstOccurrenceOf("\"", false, false);
        juce::MemoryBlock state;
        std::unique_ptr<juce::XmlElement> xml;
        if (state.fromBase64Encoding(base64)) xml = juce::AudioProcessor::getXmlFromBinary(state.getData(), (int) state.getSize());
        auto* tree = xml != nullptr ? xml->getChildByName(proc.params.state.getType()) : nullptr;
        check(tree != nullptr, "the plugin's state in " + statePath + " holds its parameters");
        if (tree == nullptr) return 1;
        for (auto* x : tree->getChildWithTagNameIterator("PARAM"))
            if (expected.count(x->getStringAttribute("id")) != 0) expected[x->getStringAttribute("id")] = (float) x->getDoubleAttribute("value");
    }
    const juce::String phase = arg(args, "--phase");
    std::map<juce::String, float> host;  // by label
    juce::StringArray lines;
    lines.addLines(juce::File(arg(args, "--values")).loadFileAsString());
    for (const auto& line : lines) {
        if (line.upToFirstOccurrenceOf(" ", false, false) != phase) continue;
        const juce::String rest = line.fromFirstOccurrenceOf(" ", false, false);
        host[rest.fromFirstOccurrenceOf(" ", false, false)] = rest.upToFirstOccurrenceOf(" ", false, false).getFloatValue();
    }
    int matched = 0;
    juce::String wrong;
    for (auto* p : proc.getParameters()) {
        auto* r = dynamic_cast<juce::RangedAudioParameter*>(p);
        if (r == nullptr) continue;
        const auto it = host.find(r->getName(1024));
        const float want = expected[r->getParameterID()];
        const float span = r->getNormalisableRange().end - r->getNormalisableRange().start;
        if (it != host.end() && std::abs(it->second - want) <= 1e-5f * std::max(1.0f, span)) ++matched;
        else wrong << " " << r->getParameterID() << "=" << (it == host.end() ? juce::String("missing") : juce::String(it->second)) << " (state " << want << ")";
    }
    check(wrong.isEmpty() && matched == proc.getParameters().size(),
          juce::String(matched) + " of " + juce::String(proc.getParameters().size()) + " parameters as the host reads them (" + phase
              + ") equal the plugin's " + (statePath.isEmpty() ? "defaults" : "saved state") + (wrong.isEmpty() ? juce::String() : ":" + wrong));
    return failures == 0 ? 0 : 1;
}

/**
 * JUCE's PNG and JPEG formats in this build (libpng/libjpeg on Linux, Windows' own codecs in the MinGW build):
 * a test picture written and read back is the same picture (PNG: every pixel; JPEG: close, it is lossy).
 */
int images(const juce::StringArray&) {
    const int w = 97, h = 61;
    juce::Image picture(juce::Image::ARGB, w, h, false);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            picture.setPixelAt(x, y, juce::Colour((juce::uint8) (x * 255 / (w - 1)), (juce::uint8) (y * 255 / (h - 1)),
                                                  (juce::uint8) ((x + y) % 256), (juce::uint8) 255));
    auto roundTrip = [&](juce::ImageFileFormat& format, double& meanErr, int& maxErr) {
        juce::MemoryOutputStream out;
        const bool written = format.writeImageToStream(picture, out);
        check(written && out.getDataSize() > 0, format.getFormatName() + " written (" + juce::String((int) out.getDataSize()) + " bytes)");
        juce::MemoryInputStream in(out.getData(), out.getDataSize(), false);
        check(format.canUnderstand(in), format.getFormatName() + " recognises its own file");
        juce::Image back = juce::ImageFileFormat::loadFrom(out.getData(), out.getDataSize());
        check(back.getWidth() == w && back.getHeight() == h, format.getFormatName() + " read back as " + juce::String(back.getWidth())
                                                                   + "x" + juce::String(back.getHeight()));
        meanErr = 0;
        maxErr = 0;
        if (back.getWidth() != w || back.getHeight() != h) return;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const auto a = picture.getPixelAt(x, y), b = back.getPixelAt(x, y);
                for (int d : {a.getRed() - b.getRed(), a.getGreen() - b.getGreen(), a.getBlue() - b.getBlue(), a.getAlpha() - b.getAlpha()}) {
                    maxErr = std::max(maxErr, std::abs(d));
                    meanErr += std::abs(d) / (4.0 * w * h);
                }
            }
    };
    double mean = 0;
    int worst = 0;
    juce::PNGImageFormat png;
    roundTrip(png, mean, worst);
    check(worst == 0, "PNG: every pixel read back as written (max difference " + juce::String(worst) + ")");
    juce::JPEGImageFormat jpeg;
    jpeg.setQuality(0.95f);
    roundTrip(jpeg, mean, worst);
    check(mean < 4.0 && worst < 64, "JPEG: the picture read back close to the one written (mean difference "
                                        + juce::String(mean, 2) + ", max " + juce::String(worst) + ")");
    return failures == 0 ? 0 : 1;
}

#if JUCE_WINDOWS
/** The modes that signal the server by its pid: under wine that pid is a Linux process Windows cannot reach. */
int posixOnly(const juce::StringArray& args) {
    std::cout << "FAIL mode " << args[0] << " signals a Linux process by pid: it is in the Linux build only" << std::endl;
    return 1;
}
int resilience(const juce::StringArray& args) { return posixOnly(args); }
int autostart(const juce::StringArray& args) { return posixOnly(args); }
#endif

int main(int argc, char** argv) {
    juce::ScopedJuceInitialiser_GUI juce;  // message manager for the plugin formats, no display needed
    juce::StringArray args;
    for (int i = 1; i < argc; ++i) args.add(argv[i]);
    const juce::String mode = args.isEmpty() ? juce::String() : args[0];
    int rc = mode == "offline" ? offline(args) : mode == "resilience" ? resilience(args) : mode == "capture" ? capture(args)
           : mode == "loop" ? loop(args) : mode == "embedded" ? embedded(args) : mode == "autostart" ? autostart(args)
           : mode == "editor" ? editor(args) : mode == "timeline" ? timeline(args)
           : mode == "compare" ? compare(args) : mode == "slots" ? slots(args)
           : mode == "lv2preset" ? lv2preset(args) : mode == "notes" ? notes(args)
           : mode == "params" ? params(args) : mode == "images" ? images(args) : 2;
    if (rc == 2) std::cout << "usage: LongplayTestHost offline|resilience|capture|loop|embedded|autostart|editor|timeline|compare|notes|params|slots|lv2preset|images ..." << std::endl;
    std::cout << (rc == 0 ? "PASS" : "FAILED") << std::endl;
    return rc;
}
