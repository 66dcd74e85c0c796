package dev.longplay.server.live;

import dev.longplay.server.jack.CaptureRequest;
import dev.longplay.server.jack.ClockPosition;
import dev.longplay.server.jack.JackCapture;
import dev.longplay.server.jack.JackPlayerClient;
import dev.longplay.server.jack.JackUnavailableException;
import dev.longplay.server.jack.PlayEnded;
import dev.longplay.server.jack.PlayRequest;
import dev.longplay.server.jack.PlayableClip;
import dev.longplay.server.jack.Player;
import dev.longplay.server.jack.PlayerException;
import dev.longplay.server.bridge.BridgeRegistry;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.clips.WavWriter;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobRejectedException;
import dev.longplay.server.jobs.Mode;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.jobs.Priority;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The audio edges' one entry point, in plain Java for HTTP and OSC to translate into: playback and capture through
 * JACK (when the server runs as a JACK client) and the plugin bridge (always). OSC wiring is one call per message:
 * {@code /play} → {@link #play}, {@code /stop} → {@link #stop}, {@code /play/end} ← {@link #addPlayEndListener},
 * {@code /bridge/attach|send|transport|detach} → {@link #bridge()}'s methods.
 */
public final class AudioControl implements AutoCloseable {

    /** A capture turned into a style-transfer job. */
    public record CaptureResult(String jobId, String uploadId, double seconds, long startFrame) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AudioControl.class);

    private final JackPlayerClient jack; // null: running without JACK
    private final BridgeRegistry bridge;
    private final UploadStore uploads;
    private final JobEngine engine;
    private final java.util.List<Runnable> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Opens the audio edges over a server's clips, uploads and engine: the bridge always; JACK when
     * {@code jackConfig} is given and a JACK server answers (otherwise it runs on without JACK and says so).
     */
    public static AudioControl open(ClipStore clipStore, UploadStore uploads, JobEngine engine,
                                    JackPlayerClient.Config jackConfig) {
        Player.ClipSource clips = (id, rate) -> PlayableClip.load(clipStore, id, rate);
        JackPlayerClient jack = null;
        if (jackConfig == null) {
            LOG.info("JACK: off (start with --jack to play clips into JACK)");
        } else {
            try {
                jack = JackPlayerClient.open(jackConfig, clips);
                LOG.info("JACK: client {} at {} Hz, {}-frame periods, {} voices (ports voiceN_L/R, inputs in_L/R)",
                        jack.clientName(), jack.sampleRate(), jack.bufferSize(), jackConfig.voices());
            } catch (JackUnavailableException e) {
                LOG.warn("JACK: unavailable ({}); running without it: /v1/play and /v1/capture answer jack_unavailable",
                        e.getMessage());
            }
        }
        return new AudioControl(jack, new BridgeRegistry(clips), uploads, engine);
    }

    public AudioControl(JackPlayerClient jack, BridgeRegistry bridge, UploadStore uploads, JobEngine engine) {
        this.jack = jack;
        this.bridge = bridge;
        this.uploads = uploads;
        this.engine = engine;
    }

    public boolean jackAvailable() {
        return jack != null;
    }

    private JackPlayerClient jack() {
        if (jack == null) {
            throw new PlayerException("jack_unavailable", "the server is not running as a JACK client (start it with --jack)");
        }
        return jack;
    }

    public Player.PlayStarted play(PlayRequest request) throws IOException {
        return jack().player().play(request);
    }

    public boolean stop(String playId) {
        return jack().player().stop(playId);
    }

    public boolean setGain(String playId, double gain) {
        return jack().player().setGain(playId, gain);
    }

    public void setTempo(double bpm) {
        jack().player().setTempo(bpm);
    }

    public ClockPosition clock() {
        return jack().player().position();
    }

    /**
     * The plugin host's transport, reported through the bridge handshake: recorded for the instance, and, with JACK,
     * the player's beat clock follows it (unless a JACK timebase master runs), so {@code atBeat} starts land on the
     * song's beats.
     */
    public BridgeRegistry.HostTransport hostTransport(String instanceId, double tempo, double ppq, boolean playing) {
        BridgeRegistry.HostTransport t = bridge.transport(instanceId, tempo, ppq, playing);
        if (jack != null) {
            jack.player().followHost(tempo, ppq, playing, jack.currentFrame());
        }
        return t;
    }

    /** The JACK frame time (32-bit) at which {@code when} falls, for sample-exact starts of timed OSC commands. */
    public long frameAt(Instant when) {
        JackPlayerClient j = jack();
        long now = j.currentFrame();
        long ahead = Math.round(Duration.between(Instant.now(), when).toNanos() * 1e-9 * j.sampleRate());
        return (now + Math.max(0, ahead)) & 0xFFFF_FFFFL;
    }

    /**
     * When beat {@code beat} of the player's clock happens, for commands timed in beats (OSC's atBeat); empty without
     * JACK or while the clock is stopped.
     */
    public Optional<Instant> instantOfBeat(double beat) {
        if (jack == null) {
            return Optional.empty();
        }
        ClockPosition p = jack.player().position();
        if (p.beat() == null) {
            return Optional.empty();
        }
        long frameNow = jack.currentFrame();
        double elapsed = (((frameNow - p.frame()) & 0xFFFF_FFFFL)) / (double) p.sampleRate();
        double seconds = (beat - p.beat()) * 60.0 / p.bpm() - elapsed;
        return Optional.of(Instant.now().plusNanos((long) (seconds * 1e9)));
    }

    /**
     * {@code /play/end}: {@code listener} is called on the player's drain thread (never without JACK), and
     * {@code onClose} once when the audio edges shut down (so open event streams can end). Close the result to stop.
     */
    public AutoCloseable addPlayEndListener(Consumer<PlayEnded> listener, Runnable onClose) {
        closeListeners.add(onClose);
        if (jack != null) {
            jack.player().addEndListener(listener);
        }
        return () -> {
            closeListeners.remove(onClose);
            if (jack != null) {
                jack.player().removeEndListener(listener);
            }
        };
    }

    public BridgeRegistry bridge() {
        return bridge;
    }

    /** Records the take (blocking for its length), stores it as an upload and submits an audio-to-audio job. */
    public CaptureResult capture(CaptureRequest r, String client) throws IOException, InterruptedException, TimeoutException, JobRejectedException {
        JackPlayerClient j = jack();
        double bpm = j.player().position().bpm();
        double seconds = r.seconds() != null ? r.seconds() : GenerationRequest.loopSeconds(bpm, r.bars());
        int frames = (int) Math.round(seconds * j.sampleRate());
        JackCapture.Recording take = j.capture().record(frames, r.atFrame(), Duration.ofSeconds(5));
        ByteArrayOutputStream wav = new ByteArrayOutputStream(frames * 8 + 64);
        WavWriter.write(wav, new float[][]{take.left(), take.right()}, take.sampleRate(), OutputFormat.WAV_FLOAT32);
        String uploadId = uploads.save(wav.toByteArray());
        Path init = uploads.get(uploadId).orElseThrow(() -> new IOException("the stored take vanished"));
        GenerationRequest job = GenerationRequest.builder().mode(Mode.AUDIO_TO_AUDIO).prompt(r.prompt())
                .seconds(take.seconds()).seed(r.seed()).steps(r.steps()).initAudio(init)
                .initNoiseLevel(r.initNoiseLevel()).bpm(r.bars() != null ? bpm : null).priority(Priority.LIVE)
                .format(OutputFormat.WAV_PCM24).build();
        JobRecord rec = engine.submit(job, client);
        return new CaptureResult(rec.id(), uploadId, take.seconds(), take.startFrame());
    }

    @Override
    public void close() {
        closeListeners.forEach(Runnable::run);
        bridge.close();
        if (jack != null) {
            jack.close();
        }
    }
}
