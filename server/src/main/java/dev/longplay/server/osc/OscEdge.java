package dev.longplay.server.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.osc.OscAddressSpace;
import dev.longplay.osc.OscClient;
import dev.longplay.osc.OscCommandException;
import dev.longplay.osc.OscErrorCode;
import dev.longplay.osc.OscOptions;
import dev.longplay.osc.OscReplier;
import dev.longplay.osc.OscRequest;
import dev.longplay.osc.OscRequestHandler;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.AudioFileReader;
import dev.longplay.server.audio.DecodedAudio;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobRejectedException;
import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.requests.InitNoiseLevelAliases;
import dev.longplay.server.requests.JobSpecResolver;
import dev.longplay.server.jobs.JobState;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.Priority;
import dev.longplay.models.pipeline.GenerationParams.TimeSpan;
import dev.longplay.server.presets.Preset;
import dev.longplay.server.presets.PresetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OSC edge: each command becomes what the HTTP edge would do (a {@link JobSpec} through the same
 * {@link JobSpecResolver} into {@link JobEngine#submit}), and the engine's {@link JobEvent}s go back to the client
 * that asked as {@code /gen/progress}, then {@code /done} or {@code /fail}. It runs on transport threads and only
 * validates, submits and looks things up; models run on the engine's workers.
 */
public final class OscEdge implements OscRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OscEdge.class);
    static final String SCSYNTH_HOST = "127.0.0.1";
    static final int SCSYNTH_PORT = 57110;

    private final JobEngine engine;
    private final JobSpecResolver resolver;
    private final ClipStore clips;
    private final Path clipDir;
    private final PresetCatalog presets;
    private final UploadStore uploads;
    private final AudioPathResolver paths;
    /** Jobs this edge submitted and that have not ended, by job id. */
    private final Map<String, Pending> byJob = new ConcurrentHashMap<>();
    /** /play, /stop, /clock: present once the audio edges run (see {@link #attachAudio}). */
    private volatile OscPlayback playback;
    /** The same jobs by (client, reqId), for /gen/cancel. */
    private final Map<ClientRequest, String> byRequest = new ConcurrentHashMap<>();

    private record ClientRequest(String client, int reqId) {
    }

    private static final class Pending {
        final String jobId;
        final ClientRequest key;
        final String command;
        final OscReplier replier;
        final AtomicBoolean ended = new AtomicBoolean();

        Pending(String jobId, ClientRequest key, String command, OscReplier replier) {
            this.jobId = jobId;
            this.key = key;
            this.command = command;
            this.replier = replier;
        }
    }

    /**
     * @param dataDir   the server's data folder (its {@code clips/} and {@code uploads/} are where OSC paths may point)
     * @param importDir one more folder clients may name audio files in, if any
     */
    public OscEdge(JobEngine engine, JobSpecResolver resolver, ClipStore clips, UploadStore uploads,
                   PresetCatalog presets, Path dataDir, Optional<Path> importDir) throws IOException {
        this.engine = engine;
        this.resolver = resolver;
        this.clips = clips;
        this.clipDir = dataDir.resolve("clips");
        this.presets = presets;
        this.uploads = uploads;
        this.paths = new AudioPathResolver(clips, uploads, clipDir, dataDir.resolve("uploads"), importDir);
        engine.addListener(this::onEvent);
    }

    /** Serves /play, /stop and /clock from now on through {@code audio} (the HTTP routes use the same one). */
    public void attachAudio(AudioControl audio) {
        playback = new OscPlayback(audio);
    }

    private OscPlayback playback() {
        OscPlayback p = playback;
        if (p == null) {
            throw new OscCommandException(OscErrorCode.E_NO_AUDIO, "this server has no audio output");
        }
        return p;
    }

    @Override
    public void handle(OscRequest r, OscReplier replier) {
        switch (r.address()) {
            case OscAddressSpace.GEN_TEXT -> submit(r, replier, spec(r, "text", r.string("prompt"), r.number("seconds"), null, null));
            case OscAddressSpace.GEN_SFX -> submit(r, replier, spec(r, "sfx", r.string("prompt"), r.number("seconds"), null, null));
            case OscAddressSpace.GEN_A2A -> submit(r, replier, spec(r, "audio_to_audio", r.string("prompt"), r.number("seconds"),
                    audio(r.string("path")), null));
            case OscAddressSpace.GEN_INPAINT -> inpaint(r, replier);
            case OscAddressSpace.GEN_CONTINUE -> submit(r, replier, spec(r, "continue", r.string("prompt"), r.number("seconds"),
                    new JobSpec.AudioRef(r.string("clipId"), null), null));
            case OscAddressSpace.GEN_LOOP -> submit(r, replier, spec(r, "loop", r.string("prompt"), null, null, null,
                    r.number("bpm"), r.integer("bars")));
            case OscAddressSpace.GEN_PRESET -> submit(r, replier, spec(r, "preset", r.options().string("prompt").orElse(null),
                    r.options().number("seconds").isPresent() ? r.options().number("seconds").getAsDouble() : null,
                    null, r.string("preset")));
            case OscAddressSpace.GEN_CANCEL -> cancel(r, replier);
            case OscAddressSpace.STATUS -> status(replier);
            case OscAddressSpace.CLIP_INFO -> clipInfo(r, replier);
            case OscAddressSpace.CLIP_LIST -> clipList(replier);
            case OscAddressSpace.CLIP_FREE -> clipFree(r, replier);
            case OscAddressSpace.CLIP_LOAD_SC -> loadSc(r, replier);
            case OscAddressSpace.PRESET_LIST -> presetList(replier);
            case OscAddressSpace.PLAY -> playback().play(r, replier);
            case OscAddressSpace.STOP -> playback().stop(r, replier);
            case OscAddressSpace.CLOCK -> playback().clock(replier);
            default -> throw new OscCommandException(OscErrorCode.E_NOT_FOUND, "this server does not serve " + r.address());
        }
    }

    private JobSpec.AudioRef audio(String path) {
        try {
            return paths.resolve(path);
        } catch (IllegalArgumentException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, e.getMessage());
        }
    }

    private void inpaint(OscRequest r, OscReplier replier) {
        String path = r.string("path");
        JobSpec.AudioRef ref = audio(path);
        double seconds;
        try {
            // Inpainting keeps the recording's length. Read the file the job will read, not the spelled path.
            Path file = ref.clip() != null ? clips.get(ref.clip()).orElseThrow().audio() : uploads.get(ref.upload()).orElseThrow();
            DecodedAudio a = AudioFileReader.read(file);
            seconds = a.samples()[0].length / (double) a.sampleRate();
        } catch (IOException | RuntimeException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "cannot read " + path + ": " + e.getMessage());
        }
        double start = r.number("start");
        double end = r.number("end");
        if (!(end > start)) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/gen/inpaint: end must be after start");
        }
        submit(r, replier, spec(r, "inpaint", r.string("prompt"), seconds, ref, null, null, null,
                List.of(new TimeSpan(start, end))));
    }

    private static JobSpec spec(OscRequest r, String mode, String prompt, Double seconds, JobSpec.AudioRef init, String preset) {
        return spec(r, mode, prompt, seconds, init, preset, null, null);
    }

    private static JobSpec spec(OscRequest r, String mode, String prompt, Double seconds, JobSpec.AudioRef init,
                                String preset, Double bpm, Integer bars) {
        return spec(r, mode, prompt, seconds, init, preset, bpm, bars, null);
    }

    private static JobSpec spec(OscRequest r, String mode, String prompt, Double seconds, JobSpec.AudioRef init,
                                String preset, Double bpm, Integer bars, List<TimeSpan> ranges) {
        OscOptions o = r.options();
        // Pick the seed here when none is given: /done reports it as an OSC int, which then repeats the clip.
        long seed = o.integer("seed").isPresent() ? o.integer("seed").getAsInt()
                : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
        Double noise;
        try {
            noise = InitNoiseLevelAliases.fromOsc(number(o, "initNoiseLevel"), number(o, InitNoiseLevelAliases.OSC_STRENGTH));
        } catch (IllegalArgumentException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, r.address() + ": " + e.getMessage());
        }
        Priority priority = o.integer("priority").orElse(0) < 0 ? Priority.BATCH : Priority.LIVE;
        return JobSpec.builder().mode(mode).preset(o.string("preset").orElse(preset)).prompt(prompt)
                .negativePrompt(o.string("negative").orElse(null)).seconds(seconds).seed(seed)
                .steps(o.integer("steps").isPresent() ? o.integer("steps").getAsInt() : null)
                .cfgScale(o.number("cfg").isPresent() ? o.number("cfg").getAsDouble() : null)
                .sampler(o.string("sampler").orElse(null)).initAudio(init).initNoiseLevel(noise).inpaintRanges(ranges)
                .bpm(bpm).bars(bars).priority(priority).loras(loras(o.string("lora").orElse(null))).build();
    }

    private static Double number(OscOptions o, String key) {
        return o.number(key).isPresent() ? o.number(key).getAsDouble() : null;
    }

    // name[:strength][,name[:strength]...]
    private static List<JobSpec.Lora> loras(String list) {
        if (list == null || list.isBlank()) {
            return null;
        }
        List<JobSpec.Lora> out = new ArrayList<>();
        for (String item : list.split(",")) {
            String t = item.trim();
            int colon = t.lastIndexOf(':');
            try {
                out.add(colon < 0 ? new JobSpec.Lora(t, null)
                        : new JobSpec.Lora(t.substring(0, colon), Double.parseDouble(t.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new OscCommandException(OscErrorCode.E_BAD_ARG, "lora: \"" + t + "\" is not name or name:strength");
            }
        }
        return out;
    }

    private void submit(OscRequest r, OscReplier replier, JobSpec spec) {
        int reqId = r.requestId().orElseThrow();
        ClientRequest key = new ClientRequest(clientKey(r), reqId);
        if (byRequest.containsKey(key)) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "reqId " + reqId + " is still running; use another number");
        }
        GenerationRequest request;
        try {
            request = resolver.resolve(spec);
        } catch (IllegalArgumentException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, r.address() + ": " + e.getMessage());
        }
        JobRecord job;
        try {
            job = engine.submit(request, key.client());
        } catch (JobRejectedException e) {
            throw new OscCommandException(OscErrors.of(e.reason().code()), e.getMessage());
        }
        Pending p = new Pending(job.id(), key, r.address(), replier);
        byRequest.put(key, job.id());
        byJob.put(job.id(), p);
        // The engine's QUEUED event came during submit, before the job was known here.
        queued(p);
        // The job may have ended before it was registered here: its last event was then missed.
        engine.status(job.id()).map(JobEngine.JobStatus::record).filter(rec -> rec.state().terminal())
                .ifPresent(rec -> finish(p, rec.state(), rec.clipId(), rec.errorCode(), rec.errorMessage()));
    }

    private static String clientKey(OscRequest r) {
        return "osc-" + r.transport() + ":" + r.sender().getAddress().getHostAddress() + ":" + r.sender().getPort();
    }

    private void onEvent(JobEvent e) {
        Pending p = byJob.get(e.jobId());
        if (p == null) {
            return; // another edge's job
        }
        if (e.type() == JobEvent.Type.PROGRESS && e.stage() != null) {
            Progress g = Progress.of(e.stage(), e.step(), e.total());
            p.replier.notify(new OSCMessage(OscAddressSpace.GEN_PROGRESS,
                    OscReplier.wire(p.key.reqId(), g.fraction(), e.step(), e.total(), g.stage())));
        } else if (e.type() == JobEvent.Type.REQUEUED) {
            queued(p);
        } else if (e.terminal()) {
            finish(p, e.state(), e.clipId(), e.errorCode(), e.message());
        }
    }

    private static void queued(Pending p) {
        p.replier.notify(new OSCMessage(OscAddressSpace.GEN_PROGRESS, OscReplier.wire(p.key.reqId(), 0.0, 0, 0,
                Stage.QUEUED.wire())));
    }

    private void finish(Pending p, JobState state, String clipId, String code, String message) {
        if (!p.ended.compareAndSet(false, true)) {
            return;
        }
        byJob.remove(p.jobId);
        byRequest.remove(p.key);
        if (state == JobState.SUCCEEDED) {
            Optional<ClipMeta> meta = clips.get(clipId).flatMap(OscEdge::meta);
            if (meta.isPresent()) {
                ClipMeta m = meta.get();
                p.replier.done(p.command, p.key.reqId(), m.id(), m.path(), m.frames(), m.channels(), m.sampleRate(), m.seed());
                return;
            }
            code = null;
            message = "clip " + clipId + " was evicted before it could be reported";
        }
        OscErrorCode osc = OscErrors.of(code);
        p.replier.send(OscAddressSpace.FAIL, p.command, osc.name(), message == null ? osc.meaning() : message, p.key.reqId());
    }

    private void cancel(OscRequest r, OscReplier replier) {
        int reqId = r.requestId().orElseThrow();
        String jobId = byRequest.get(new ClientRequest(clientKey(r), reqId));
        if (jobId == null) {
            throw new OscCommandException(OscErrorCode.E_NOT_FOUND, "no running request " + reqId + " from this client");
        }
        // Accept first: cancelling a queued job ends it at once, and its /fail E_CANCELLED must come after this.
        replier.done(r.address(), reqId);
        engine.cancel(jobId);
    }

    private void status(OscReplier replier) {
        JobEngine.Stats s = engine.stats();
        List<ServedModel> models = engine.models();
        ServedModel m = models.stream().filter(ServedModel::loaded).findFirst().orElse(models.isEmpty() ? null : models.get(0));
        replier.send(OscAddressSpace.STATUS_REPLY, s.queued() + s.running(), m == null || !m.loaded() ? "" : m.id(),
                m == null ? "" : m.device(), s.workers() == 0 ? 0.0 : s.running() / (double) s.workers());
    }

    /** What a clip's metadata says, as the OSC replies carry it. */
    record ClipMeta(String id, String path, long frames, int channels, int sampleRate, long seed, double seconds,
                    String prompt) {
    }

    private static Optional<ClipMeta> meta(ClipInfo c) {
        try {
            JsonNode j = Json.MAPPER.readTree(ClipStore.readMeta(c));
            JsonNode a = j.path("audio");
            return Optional.of(new ClipMeta(c.id(), c.audio().toString(), a.path("frames").asLong(), a.path("channels").asInt(),
                    a.path("sampleRate").asInt(), j.path("seed").asLong(), a.path("seconds").asDouble(),
                    j.path("prompt").asText("")));
        } catch (IOException e) {
            LOG.warn("clip {}: unreadable metadata: {}", c.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private ClipMeta clip(String id) {
        return clips.get(id).flatMap(OscEdge::meta)
                .orElseThrow(() -> new OscCommandException(OscErrorCode.E_NOT_FOUND, "no clip " + id));
    }

    private void clipInfo(OscRequest r, OscReplier replier) {
        ClipMeta m = clip(r.string("clipId"));
        replier.done(r.address(), m.id(), m.path(), m.frames(), m.channels(), m.sampleRate(), m.seed(), m.prompt());
    }

    private void clipList(OscReplier replier) {
        // The store keeps no order; the folder's metadata files, newest first, list what it holds.
        List<ClipMeta> list = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(clipDir, "*.json")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new OscCommandException(OscErrorCode.E_INTERNAL, "cannot list clips: " + e.getMessage());
        }
        files.sort(Comparator.comparing(OscEdge::modified).reversed());
        for (Path f : files) {
            String name = f.getFileName().toString();
            String id = name.substring(0, name.length() - ".json".length());
            if (clips.contains(id)) {
                clips.get(id).flatMap(OscEdge::meta).ifPresent(list::add);
            }
        }
        for (ClipMeta m : list) {
            replier.send(OscAddressSpace.CLIP_LIST_ITEM, m.id(), m.path(), m.seconds(), m.prompt());
        }
        replier.done(OscAddressSpace.CLIP_LIST, list.size());
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private void clipFree(OscRequest r, OscReplier replier) {
        String id = r.string("clipId");
        try {
            if (!clips.delete(id)) {
                throw new OscCommandException(OscErrorCode.E_NOT_FOUND, "no clip " + id);
            }
        } catch (IOException e) {
            throw new OscCommandException(OscErrorCode.E_INTERNAL, "cannot delete clip " + id + ": " + e.getMessage());
        }
        replier.done(r.address(), id);
    }

    private void loadSc(OscRequest r, OscReplier replier) {
        ClipMeta m = clip(r.string("clipId"));
        int bufnum = r.integer("bufnum");
        String host = r.arg("host").map(String.class::cast).orElse(SCSYNTH_HOST);
        int port = r.arg("port").map(Integer.class::cast).orElse(SCSYNTH_PORT);
        InetAddress target = scsynthAddress(host, r.sender().getAddress());
        try (OscClient scsynth = OscClient.udp(new InetSocketAddress(target, port))) {
            scsynth.send(OscAddressSpace.B_ALLOC_READ, bufnum, m.path());
        } catch (IOException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/clip/load_sc: cannot send to " + host + ":" + port + ": " + e.getMessage());
        }
        replier.done(r.address(), m.id(), bufnum);
    }

    /**
     * Where /clip/load_sc may send: a loopback address, or the sender's own address (a LAN client's scsynth), never a
     * third host (the server would send packets anywhere for anyone). Literals only, read without any name lookup,
     * which could block the transport thread and leak what was asked to a name server; "localhost" means 127.0.0.1.
     */
    static InetAddress scsynthAddress(String host, InetAddress sender) {
        InetAddress a = host.equals("localhost") ? InetAddress.getLoopbackAddress() : IpLiteral.parse(host)
                .orElseThrow(() -> new OscCommandException(OscErrorCode.E_BAD_ARG,
                        "/clip/load_sc: host must be an IP address literal, got " + host));
        if (!a.isLoopbackAddress() && !a.equals(sender)) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/clip/load_sc: host must be this machine (loopback) "
                    + "or your own address, not " + host);
        }
        return a;
    }

    private void presetList(OscReplier replier) {
        List<Preset> all = presets.all();
        for (Preset p : all) {
            replier.send(OscAddressSpace.PRESET_LIST_ITEM, p.name(), p.description() == null ? "" : p.description());
        }
        replier.done(OscAddressSpace.PRESET_LIST, all.size());
    }
}
