#include "ServerClient.h"

namespace longplay {

namespace {
constexpr int healthEveryMs = 1000;
constexpr int jobPollMs = 150;
constexpr int serverGoneGiveUpMs = 60000;  // a job whose server stays away this long has failed
constexpr int serverStartingGiveUpMs = 180000;  // a server this plugin started gets longer (JVM, model load)
constexpr int restartEveryMs = 30000;  // a start command that keeps failing is not run more often than this

juce::String jsonString(const juce::MemoryBlock& m) { return m.toString(); }
}  // namespace

ServerClient::ServerClient(juce::String baseUrl, juce::File tokenFileIn, juce::String serverCommandIn)
        : juce::Thread("longplay-client"), base(baseUrl.trimCharactersAtEnd("/")), tokenFile(tokenFileIn),
          serverCommand(serverCommandIn.trim()) {
    startThread();
}

ServerClient::~ServerClient() {
    signalThreadShouldExit();
    wake.signal();
    stopThread(10000);
}

void ServerClient::generate(GenerateRequest r) {
    pending.fetch_add(1);
    {
        const juce::ScopedLock sl(lock);
        queue.push_back([this, r]() mutable { runGenerate(std::move(r)); });
    }
    wake.signal();
}

void ServerClient::fetchClip(const juce::String& clipId) {
    pending.fetch_add(1);
    {
        const juce::ScopedLock sl(lock);
        queue.push_back([this, clipId] { runFetch(clipId, {}); });
    }
    wake.signal();
}

juce::String ServerClient::statusText() const {
    const juce::ScopedLock sl(lock);
    return statusLine;
}

juce::StringArray ServerClient::presetNames() const {
    const juce::ScopedLock sl(lock);
    return presets;
}

void ServerClient::setServerCommand(const juce::String& command) {
    {
        const juce::ScopedLock sl(lock);
        serverCommand = command.trim();
    }
    wake.signal();
}

juce::String ServerClient::getServerCommand() const {
    const juce::ScopedLock sl(lock);
    return serverCommand;
}

void ServerClient::setStatus(const juce::String& s) {
    const juce::ScopedLock sl(lock);
    statusLine = s;
}

juce::String ServerClient::token() {
    // Read each time: the server writes a new token on first start, and may start after the plugin.
    return tokenFile.existsAsFile() ? tokenFile.loadFileAsString().trim() : juce::String();
}

int ServerClient::http(const juce::String& method, const juce::String& path, const juce::MemoryBlock* body,
                       const juce::String& contentType, juce::MemoryBlock& response, int timeoutMs) {
    // Plain HTTP/1.0 over a JUCE socket: one request per connection, the server closes it after the answer.
    // (JUCE 7.0.5's URL class on Linux misplaces the body of a POST that carries extra headers.)
    response.reset();
    juce::URL url(base);
    const juce::String host = url.getDomain();
    const int port = url.getPort() > 0 ? url.getPort() : 80;
    juce::StreamingSocket socket;
    if (!socket.connect(host, port, timeoutMs)) {
        conn.store(static_cast<int>(Connection::unreachable));
        return 0;
    }
    juce::MemoryOutputStream request;
    request << method << " " << path << " HTTP/1.0\r\nHost: " << host << ":" << port
            << "\r\nX-Longplay-Client: longplay-plugin\r\nConnection: close\r\n";
    if (method != "GET") request << "Authorization: Bearer " << token() << "\r\n";
    if (contentType.isNotEmpty()) request << "Content-Type: " << contentType << "\r\n";
    request << "Content-Length: " << (int) (body != nullptr ? body->getSize() : 0) << "\r\n\r\n";
    if (body != nullptr) request << *body;
    const auto& out = request.getMemoryBlock();
    if (socket.write(out.getData(), (int) out.getSize()) != (int) out.getSize()) {
        conn.store(static_cast<int>(Connection::unreachable));
        return 0;
    }
    juce::MemoryBlock raw;
    char chunk[16384];
    const auto deadline = juce::Time::getMillisecondCounter() + (juce::uint32) std::max(timeoutMs, 1000) * 4;
    while (!threadShouldExit() && juce::Time::getMillisecondCounter() < deadline) {
        int ready = socket.waitUntilReady(true, 200);
        if (ready < 0) break;
        if (ready == 0) continue;
        int n = socket.read(chunk, sizeof(chunk), false);
        if (n <= 0) break;
        raw.append(chunk, (size_t) n);
    }
    const juce::String text(static_cast<const char*>(raw.getData()), std::min<size_t>(raw.getSize(), 8192));
    const int headerEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/") || headerEnd < 0) {
        conn.store(static_cast<int>(Connection::unreachable));
        return 0;
    }
    conn.store(static_cast<int>(Connection::connected));
    const size_t bodyStart = (size_t) text.substring(0, headerEnd + 4).getNumBytesAsUTF8();
    response.append(static_cast<const char*>(raw.getData()) + bodyStart, raw.getSize() - bodyStart);
    return text.fromFirstOccurrenceOf(" ", false, false).getIntValue();
}

void ServerClient::checkHealth() {
    juce::MemoryBlock response;
    int status = http("GET", "/v1/health", nullptr, {}, response, 1500);
    if (status == 200) {
        if (!presetsFresh) fetchPresets();
        if (pending.load() == 0) {
            setStatus("connected to " + base);
        }
        return;
    }
    presetsFresh = false;
    setStatus(status == 0 ? "server unreachable at " + base + " (retrying)" : "server answered " + juce::String(status));
    const juce::String command = getServerCommand();
    const bool starting = serverProcess != nullptr && serverProcess->isRunning();
    const auto now = juce::Time::getMillisecondCounter();
    if (status == 0 && command.isNotEmpty() && !starting && (lastStartMs == 0 || now - lastStartMs >= (juce::uint32) restartEveryMs)) {
        // Configured to start the server: launch it as its own process (never inside the DAW), which outlives
        // the plugin; while it runs (the JVM and the model take a while) it is not launched again.
        lastStartMs = now;
        serverProcess = std::make_unique<juce::ChildProcess>();
        setStatus(serverProcess->start(command, 0) ? "starting the server: " + command
                                                   : "could not run the server command: " + command);
    } else if (status == 0 && starting) {
        setStatus("waiting for the server it started: " + command);
    }
}

void ServerClient::fetchPresets() {
    juce::MemoryBlock response;
    if (http("GET", "/v1/presets", nullptr, {}, response, 3000) != 200) return;
    juce::StringArray names;
    const juce::var list = juce::JSON::parse(response.toString()).getProperty("presets", {});
    if (auto* items = list.getArray())
        for (auto& p : *items) {
            const juce::String name = p.getProperty("name", {}).toString();
            if (name.isNotEmpty()) names.add(name);
        }
    const juce::ScopedLock sl(lock);
    presets = names;
    presetsFresh = true;
}

bool ServerClient::awaitServer() {
    const auto t0 = juce::Time::getMillisecondCounter();
    while (!threadShouldExit()) {
        checkHealth();
        lastHealthMs = juce::Time::getMillisecondCounter();
        if (connection() == Connection::connected) return true;
        const bool starting = serverProcess != nullptr && serverProcess->isRunning();
        const auto waited = juce::Time::getMillisecondCounter() - t0;
        if (waited >= (juce::uint32) (starting ? serverStartingGiveUpMs : serverGoneGiveUpMs)) return false;
        wake.wait(500);
        if (onTick) onTick();
    }
    return false;
}

void ServerClient::run() {
    while (!threadShouldExit()) {
        std::function<void()> task;
        {
            const juce::ScopedLock sl(lock);
            if (!queue.empty()) {
                task = std::move(queue.front());
                queue.pop_front();
            }
        }
        if (onTick) {
            onTick();
        }
        if (task) {
            task();
            continue;
        }
        if (juce::Time::getMillisecondCounter() - lastHealthMs >= static_cast<juce::uint32>(healthEveryMs)) {
            lastHealthMs = juce::Time::getMillisecondCounter();
            checkHealth();
        }
        wake.wait(250);
    }
}

void ServerClient::runGenerate(GenerateRequest r) {
    ClipResult result;
    result.request = r;
    auto fail = [&](const juce::String& why) {
        result.ok = false;
        result.error = why;
        setStatus(why);
        progressValue.store(-1.0f);
        pending.fetch_sub(1);
        if (onClip) onClip(std::move(result));
    };
    progressValue.store(0.0f);
    if (!awaitServer()) {
        return fail("server unreachable at " + base);
    }
    setStatus("submitting");
    juce::DynamicObject::Ptr spec = new juce::DynamicObject();
    juce::String mode = r.mode;
    if (r.initWav.getSize() > 0) {
        juce::MemoryBlock response;
        int status = http("POST", "/v1/uploads", &r.initWav, "audio/wav", response, 5000);
        if (status != 201) {
            return fail("upload failed (" + juce::String(status) + "): " + jsonString(response));
        }
        juce::DynamicObject::Ptr ref = new juce::DynamicObject();
        ref->setProperty("upload", juce::JSON::parse(response.toString()).getProperty("id", {}));
        spec->setProperty("initAudio", juce::var(ref.get()));
    } else if (r.initClip.isNotEmpty()) {
        juce::DynamicObject::Ptr ref = new juce::DynamicObject();
        ref->setProperty("clip", r.initClip);
        spec->setProperty("initAudio", juce::var(ref.get()));
    }
    spec->setProperty("mode", mode);
    spec->setProperty("prompt", r.prompt);
    if (r.preset.isNotEmpty()) spec->setProperty("preset", r.preset);
    if (r.model.isNotEmpty()) spec->setProperty("model", r.model);
    if (r.bars > 0 && r.bpm > 0) {
        spec->setProperty("bars", r.bars);
        spec->setProperty("bpm", r.bpm);
    } else if (r.seconds > 0) {
        spec->setProperty("seconds", r.seconds);
    }
    if (r.seed >= 0) spec->setProperty("seed", r.seed);
    if (r.steps > 0) spec->setProperty("steps", r.steps);
    if (r.cfg > 0) spec->setProperty("cfgScale", r.cfg);
    juce::MemoryBlock body;
    body.append(juce::JSON::toString(juce::var(spec.get()), true).toRawUTF8(),
                juce::JSON::toString(juce::var(spec.get()), true).getNumBytesAsUTF8());
    juce::MemoryBlock response;
    int status = http("POST", "/v1/jobs", &body, "application/json", response, 5000);
    if (status != 202) {
        return fail(status == 0 ? "server unreachable at " + base : "job refused (" + juce::String(status) + "): " + jsonString(response));
    }
    const juce::String jobId = juce::JSON::parse(response.toString()).getProperty("id", {}).toString();
    juce::uint32 lastSeen = juce::Time::getMillisecondCounter();
    while (!threadShouldExit()) {
        wake.wait(jobPollMs);
        if (onTick) {
            onTick();
        }
        status = http("GET", "/v1/jobs/" + jobId, nullptr, {}, response, 2000);
        if (status == 0) {
            // The server is gone (killed, restarting): keep asking for a while, then give up on this job.
            setStatus("server unreachable at " + base + " (retrying)");
            if (juce::Time::getMillisecondCounter() - lastSeen > static_cast<juce::uint32>(serverGoneGiveUpMs)) {
                return fail("the server went away during job " + jobId);
            }
            continue;
        }
        lastSeen = juce::Time::getMillisecondCounter();
        if (status != 200) {
            return fail("job " + jobId + " is gone (" + juce::String(status) + ")");
        }
        juce::var job = juce::JSON::parse(response.toString());
        const juce::String state = job.getProperty("state", {}).toString();
        if (state == "succeeded") {
            runFetch(job.getProperty("clipId", {}).toString(), r);
            return;
        }
        if (state == "failed" || state == "cancelled") {
            return fail("job " + state + ": " + job.getProperty("error", {}).getProperty("message", {}).toString());
        }
        juce::var p = job.getProperty("progress", {});
        int total = p.getProperty("total", 0);
        if (total > 0) {
            progressValue.store(static_cast<float>(static_cast<int>(p.getProperty("step", 0))) / total);
        }
        setStatus("generating (" + state + ")");
    }
    fail("stopped");
}

void ServerClient::runFetch(const juce::String& clipId, GenerateRequest r) {
    ClipResult result;
    result.request = std::move(r);
    result.clipId = clipId;
    setStatus("downloading clip " + clipId);
    int status = http("GET", "/v1/clips/" + clipId, nullptr, {}, result.wav, 10000);
    result.ok = status == 200 && result.wav.getSize() > 0;
    if (!result.ok) {
        result.error = "clip " + clipId + " could not be fetched (" + juce::String(status) + ")";
    }
    setStatus(result.ok ? "clip " + clipId + " ready" : result.error);
    progressValue.store(-1.0f);
    if (onClip) onClip(std::move(result));
    pending.fetch_sub(1);
}

}  // namespace longplay
