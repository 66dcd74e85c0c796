#pragma once
// Talks to the Longplay server over its HTTP API on one background thread (JUCE's own socket HTTP, no curl).
// Nothing here ever runs on the audio thread; the processor only reads the atomics below.
#include <juce_core/juce_core.h>
#include <atomic>
#include <deque>
#include <functional>

namespace longplay {

/** One generation: the JSON body of POST /v1/jobs plus, for style transfer, the audio to upload first. */
struct GenerateRequest {
    juce::String mode = "text";   // text | audio_to_audio | continue
    juce::String prompt, preset, model;
    double seconds = 0;           // > 0: length in seconds
    int bars = 0;                 // > 0 (with bpm): a loop of that many 4/4 bars
    double bpm = 0;
    juce::int64 seed = -1;        // < 0: the server picks
    int steps = 0;                // 0: the preset's
    double cfg = 0;               // 0: the preset's
    juce::String initClip;        // continue / style transfer from a stored clip
    juce::MemoryBlock initWav;    // style transfer from captured input (uploaded first)
};

/** A finished clip, or why there is none. */
struct ClipResult {
    bool ok = false;
    juce::String clipId;
    juce::MemoryBlock wav;
    juce::String error;
    GenerateRequest request;
};

enum class Connection { unknown = 0, connected = 1, unreachable = 2 };

class ServerClient : private juce::Thread {
public:
    /** baseUrl e.g. http://127.0.0.1:7860; tokenFile: the server's install token (same user). */
    ServerClient(juce::String baseUrl, juce::File tokenFile, juce::String serverCommand);
    ~ServerClient() override;

    /** Called on this client's thread when a job ends (ok or not). */
    std::function<void(ClipResult)> onClip;
    /** Called on this client's thread between jobs, at least every quarter second (housekeeping). */
    std::function<void()> onTick;
    /** Wakes the thread (e.g. to run onTick now). */
    void poke() { wake.signal(); }

    void generate(GenerateRequest r);
    /** Fetches a stored clip (state restore); the result comes through onClip with an empty request. */
    void fetchClip(const juce::String& clipId);

    Connection connection() const { return static_cast<Connection>(conn.load()); }
    /** 0..1 while a job runs, -1 when none. */
    float progress() const { return progressValue.load(); }
    int pendingJobs() const { return pending.load(); }
    juce::String statusText() const;
    juce::String baseUrl() const { return base; }
    /** The preset names the server offered (GET /v1/presets, fetched on each (re)connect); empty until then. */
    juce::StringArray presetNames() const;
    /** A command that starts the server (a path to the `longplay` launcher plus arguments), run when it is
        unreachable; empty: never start one. */
    void setServerCommand(const juce::String& command);
    juce::String getServerCommand() const;

private:
    void run() override;
    void runGenerate(GenerateRequest r);
    void runFetch(const juce::String& clipId, GenerateRequest r);
    void checkHealth();
    void fetchPresets();
    /** Before a job: waits (bounded) for a server that is missing or still starting. */
    bool awaitServer();
    void setStatus(const juce::String& s);
    /** One HTTP exchange; status 0 = no connection. */
    int http(const juce::String& method, const juce::String& path, const juce::MemoryBlock* body,
             const juce::String& contentType, juce::MemoryBlock& response, int timeoutMs = 3000);
    juce::String token();

    const juce::String base;
    const juce::File tokenFile;
    juce::String serverCommand;
    std::unique_ptr<juce::ChildProcess> serverProcess;
    juce::uint32 lastStartMs = 0;
    juce::StringArray presets;
    bool presetsFresh = false;  // client thread only: reset when the server is lost

    juce::CriticalSection lock;  // queue, status text, presets, server command; never taken on the audio thread
    std::deque<std::function<void()>> queue;
    juce::String statusLine;
    juce::WaitableEvent wake;
    std::atomic<int> conn{0};
    std::atomic<float> progressValue{-1.0f};
    std::atomic<int> pending{0};
    juce::uint32 lastHealthMs = 0;
};

}  // namespace longplay
