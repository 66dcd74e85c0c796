package dev.longplay.server.jack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The control side of playback: turns {@link PlayRequest}s into commands for the {@link Mixer} and its end reports
 * into {@link PlayEnded} events. Control threads (HTTP, OSC) call {@link #play}/{@link #stop}/{@link #setGain}; they
 * load and resample the clip themselves, then serialise on this object to be the command ring's single producer.
 * The audio driver calls {@link #audioCycle} once per period; one drain thread consumes the end ring.
 */
public final class Player implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Player.class);
    private static final long DRAIN_MILLIS = 5;
    private static final String INTERNAL = "internal";
    private static final String HOST = "host";
    private static final String TRANSPORT = "transport";

    /** Where clips come from, already at the output rate. */
    @FunctionalInterface
    public interface ClipSource {
        PlayableClip load(String clipId, int sampleRate) throws IOException;
    }

    /** A play accepted: the voice it got (ports {@code voiceN_L/R}) and, for frame starts, the 32-bit start frame. */
    public record PlayStarted(String playId, String clipId, int voice, int frames, Long atFrame, Double atBeat) {
    }

    /**
     * The clock used when no JACK timebase master runs: {@code originBeat} at {@code originFrame} (Long.MIN_VALUE = the
     * first period), running at {@code bpm} while {@code rolling}. {@code source} is "internal" (the server's own tempo)
     * or "host" (a plugin's host transport, re-anchored at each report).
     */
    private record Tempo(double bpm, long originFrame, double originBeat, boolean rolling, String source) {
    }

    private final Mixer mixer;
    private final int sampleRate;
    private final ClipSource clips;
    private final List<Consumer<PlayEnded>> listeners = new CopyOnWriteArrayList<>();

    // Control side, guarded by this.
    private final String[] playOfVoice;
    private final String[] clipOfVoice;
    private final long[] tokenOfVoice;
    private final Map<String, Integer> voiceOfPlay = new HashMap<>();
    private long nextToken = 1;

    // Written by the audio thread once per period, read by control threads.
    private volatile Tempo tempo;
    private volatile long lastFrame = Long.MIN_VALUE;
    private volatile double lastBeat = Double.NaN;
    private volatile double lastBpm;
    private volatile String lastSource = INTERNAL;

    // Audio thread only.
    private long firstFrame = Long.MIN_VALUE;
    private long extendedFrame = Long.MIN_VALUE;
    private int lastFrames;
    private int frameMismatches;

    private volatile Thread drainer;

    public Player(Mixer mixer, int sampleRate, ClipSource clips, double bpm) {
        this.mixer = mixer;
        this.sampleRate = sampleRate;
        this.clips = clips;
        this.playOfVoice = new String[mixer.voices()];
        this.clipOfVoice = new String[mixer.voices()];
        this.tokenOfVoice = new long[mixer.voices()];
        requireBpm(bpm);
        this.tempo = new Tempo(bpm, Long.MIN_VALUE, 0, true, INTERNAL);
        this.lastBpm = bpm;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int voices() {
        return mixer.voices();
    }

    public Mixer mixer() {
        return mixer;
    }

    public void addEndListener(Consumer<PlayEnded> listener) {
        listeners.add(listener);
    }

    public void removeEndListener(Consumer<PlayEnded> listener) {
        listeners.remove(listener);
    }

    /**
     * Starts a clip on a free voice (or on the voice already playing {@code playId}, which it replaces). Loads the
     * clip on the calling thread.
     *
     * @throws java.util.NoSuchElementException no such clip
     * @throws PlayerException                  no free voice, or the audio thread is not consuming commands
     */
    public PlayStarted play(PlayRequest r) throws IOException {
        PlayableClip clip = clips.load(r.clipId(), sampleRate);
        int fade = (int) Math.round(r.fadeMs() * sampleRate / 1000.0);
        long gate = 0;
        if (r.mode() == PlayMode.GATE) {
            double seconds = r.gateSeconds() != null ? r.gateSeconds() : r.gateBeats() * 60.0 / lastBpm;
            gate = Math.max(1, Math.round(seconds * sampleRate));
        }
        synchronized (this) {
            Integer existing = voiceOfPlay.get(r.playId());
            int voice = existing != null ? existing : freeVoice();
            Command c = mixer.commands().claim();
            if (c == null) {
                throw new PlayerException("player_busy", "the audio thread is not taking commands (is JACK running?)");
            }
            long token = nextToken++;
            c.kind = Command.PLAY;
            c.voice = voice;
            c.token = token;
            c.clip = clip;
            c.startFrame = r.atFrame() == null ? Long.MIN_VALUE : extendFrame(r.atFrame());
            c.startBeat = r.atBeat() == null ? Double.NaN : r.atBeat();
            c.mode = r.mode();
            c.gain = (float) (double) r.gain();
            c.fadeFrames = fade;
            c.gateFrames = gate;
            mixer.commands().publish();
            playOfVoice[voice] = r.playId();
            clipOfVoice[voice] = r.clipId();
            tokenOfVoice[voice] = token;
            voiceOfPlay.put(r.playId(), voice);
            return new PlayStarted(r.playId(), r.clipId(), voice, clip.frames(), r.atFrame(), r.atBeat());
        }
    }

    /** Fades out and ends a playback; false if {@code playId} is not playing. */
    public synchronized boolean stop(String playId) {
        return send(playId, Command.STOP, 0f);
    }

    /** Ramps a playback's gain (over its fade length); false if {@code playId} is not playing. */
    public synchronized boolean setGain(String playId, double gain) {
        if (!(gain >= 0 && gain <= 4)) {
            throw new IllegalArgumentException("gain must be in [0, 4]");
        }
        return send(playId, Command.GAIN, (float) gain);
    }

    /** Stops every playback (the panic button); returns how many were asked to stop. */
    public synchronized int stopAll() {
        int n = 0;
        for (String playId : List.copyOf(voiceOfPlay.keySet())) {
            n += send(playId, Command.STOP, 0f) ? 1 : 0;
        }
        return n;
    }

    /** The play ids currently holding a voice (until their /play/end is emitted). */
    public synchronized List<String> activePlays() {
        return List.copyOf(voiceOfPlay.keySet());
    }

    private boolean send(String playId, int kind, float gain) {
        Integer voice = voiceOfPlay.get(playId);
        if (voice == null) {
            return false;
        }
        Command c = mixer.commands().claim();
        if (c == null) {
            throw new PlayerException("player_busy", "the audio thread is not taking commands (is JACK running?)");
        }
        c.kind = kind;
        c.voice = voice;
        c.token = tokenOfVoice[voice];
        c.gain = gain;
        mixer.commands().publish();
        return true;
    }

    private int freeVoice() {
        for (int v = 0; v < playOfVoice.length; v++) {
            if (playOfVoice[v] == null) {
                return v;
            }
        }
        throw new PlayerException("no_free_voice", "all " + playOfVoice.length + " voices are playing; stop one first");
    }

    /** Sets the internal clock's tempo, keeping the current beat where it is (and running, if a host had stopped it). */
    public void setTempo(double bpm) {
        requireBpm(bpm);
        long frame = lastFrame;
        Tempo t = tempo;
        tempo = frame == Long.MIN_VALUE ? new Tempo(bpm, Long.MIN_VALUE, 0, true, INTERNAL)
                : new Tempo(bpm, frame, t.rolling() ? beatOf(t, frame) : t.originBeat(), true, INTERNAL);
    }

    /**
     * Follows a plugin host's transport (what the bridge's transport handshake reports): from {@code frame32} on, the
     * clock reads {@code beat} (quarter notes since the song's start) and runs at {@code bpm} while {@code playing};
     * while stopped, beat-timed starts wait as they do for a stopped JACK transport. A JACK timebase master still
     * wins over this.
     *
     * @param frame32 the JACK frame time the report describes (e.g. {@code jack_frame_time} when it arrived)
     */
    public void followHost(double bpm, double beat, boolean playing, long frame32) {
        requireBpm(bpm);
        if (!(Double.isFinite(beat) && beat >= 0)) {
            throw new IllegalArgumentException("beat must be a position >= 0, got " + beat);
        }
        tempo = new Tempo(bpm, extendFrame(frame32), beat, playing, HOST);
    }

    private static void requireBpm(double bpm) {
        if (!(bpm >= 20 && bpm <= 400)) {
            throw new IllegalArgumentException("bpm must be in [20, 400], got " + bpm);
        }
    }

    public ClockPosition position() {
        long f = lastFrame;
        double beat = lastBeat;
        return new ClockPosition(f == Long.MIN_VALUE ? 0 : f & 0xFFFF_FFFFL, Double.isNaN(beat) ? null : beat, lastBpm, sampleRate,
                lastSource);
    }

    /** A 32-bit JACK frame time as the 64-bit frame nearest the last period. */
    long extendFrame(long frame32) {
        long last = lastFrame;
        if (last == Long.MIN_VALUE) {
            return frame32;
        }
        int delta = (int) (frame32 - (last & 0xFFFF_FFFFL));
        return last + delta;
    }

    private double beatOf(Tempo t, long frame) {
        if (!t.rolling()) {
            return Double.NaN;
        }
        long origin = t.originFrame() == Long.MIN_VALUE ? firstFrame : t.originFrame();
        return t.originBeat() + (frame - origin) * t.bpm() / (60.0 * sampleRate);
    }

    /**
     * One period, on the audio thread: extends the 32-bit frame time, picks the beat clock (the transport's BBT when
     * {@code transportBbt}, else the internal or host-followed tempo) and renders. Allocation-free.
     *
     * @param frame32       jack_last_frame_time
     * @param transportBeat beats since bar 1 beat 1 at the period start (ignored unless transportBbt)
     * @return the period's first frame as a 64-bit frame time
     */
    public long audioCycle(long frame32, int frames, boolean transportBbt, boolean rolling, double transportBeat, double transportBpm) {
        long ext;
        if (extendedFrame == Long.MIN_VALUE) {
            ext = frame32;
            firstFrame = ext;
        } else {
            // Count periods ourselves. JACK2 (asynchronous mode) can advance its frame timer while a late client is
            // still in the previous cycle, so jack_last_frame_time may read one period ahead for a single cycle;
            // only an offset that persists (an xrun's skipped cycles, freewheeling) moves the counter.
            long expected = extendedFrame + lastFrames;
            long reported = extendedFrame + ((frame32 - extendedFrame) & 0xFFFF_FFFFL);
            if (reported == expected || ++frameMismatches < 2) {
                ext = expected;
            } else {
                ext = reported;
            }
            if (reported == expected || ext == reported) {
                frameMismatches = 0;
            }
        }
        extendedFrame = ext;
        lastFrames = frames;
        double beat;
        double bpm;
        String source;
        if (transportBbt && transportBpm > 0) {
            bpm = transportBpm;
            beat = rolling ? transportBeat : Double.NaN; // a stopped transport holds beat starts back
            source = TRANSPORT;
        } else {
            Tempo t = tempo;
            bpm = t.bpm();
            beat = beatOf(t, ext);
            source = t.source();
        }
        mixer.process(ext, frames, beat, Double.isNaN(beat) ? Double.NaN : 60.0 * sampleRate / bpm);
        lastBeat = beat;
        lastBpm = bpm;
        lastSource = source;
        lastFrame = ext;
        return ext;
    }

    /** Consumes the end ring and tells the listeners; returns how many ended. One thread at a time. */
    public int drainEnds() {
        int n = 0;
        for (VoiceEnd e = mixer.ends().peek(); e != null; e = mixer.ends().peek()) {
            PlayEnded ended = null;
            synchronized (this) {
                if (tokenOfVoice[e.voice] == e.token && playOfVoice[e.voice] != null) {
                    ended = new PlayEnded(playOfVoice[e.voice], clipOfVoice[e.voice], e.voice, e.frame & 0xFFFF_FFFFL, reason(e.reason));
                    voiceOfPlay.remove(playOfVoice[e.voice]);
                    playOfVoice[e.voice] = null;
                    clipOfVoice[e.voice] = null;
                } else if (e.reason == VoiceEnd.REPLACED) {
                    ended = new PlayEnded(playOfVoice[e.voice], null, e.voice, e.frame & 0xFFFF_FFFFL, "replaced");
                }
            }
            mixer.ends().release();
            n++;
            if (ended != null) {
                for (Consumer<PlayEnded> l : listeners) {
                    try {
                        l.accept(ended);
                    } catch (RuntimeException ex) {
                        LOG.warn("a /play/end listener failed", ex);
                    }
                }
            }
        }
        return n;
    }

    private static String reason(int r) {
        return switch (r) {
            case VoiceEnd.STOPPED -> "stopped";
            case VoiceEnd.REPLACED -> "replaced";
            default -> "finished";
        };
    }

    /** Starts the thread that turns end reports into events. */
    public synchronized void startEndDrain() {
        if (drainer != null) {
            return;
        }
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                drainEnds();
                try {
                    Thread.sleep(DRAIN_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "longplay-play-end");
        t.setDaemon(true);
        t.start();
        drainer = t;
    }

    @Override
    public void close() {
        Thread t = drainer;
        if (t != null) {
            t.interrupt();
        }
    }
}
