package dev.longplay.server.jack;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The server as a JACK client: stereo output ports {@code voiceN_L}/{@code voiceN_R} per voice (N from 1), stereo
 * capture inputs {@code in_L}/{@code in_R}, and a process callback that reads the frame time and the transport,
 * runs the {@link Player}'s mixer and {@link JackCapture}, and copies the voices out. The callback is C
 * ({@link JackShim}); its one call into Java per period ({@link #cycle}) allocates nothing, takes no lock and logs
 * nothing (MixerAllocationTest and JackPlaybackTest measure the callback thread's allocation).
 */
public final class JackPlayerClient implements AutoCloseable {

    private static final int EEXIST = 17;

    /**
     * @param serverName JACK server to connect to (null = the default, or $JACK_DEFAULT_SERVER)
     * @param bpm        the internal clock's tempo when no timebase master supplies one
     */
    public record Config(String clientName, String serverName, int voices, double bpm) {
        public Config {
            if (clientName == null || !clientName.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("JACK client name must be 1-32 characters of A-Z a-z 0-9 _ -");
            }
            if (voices < 1 || voices > 64) {
                throw new IllegalArgumentException("voices must be in [1, 64]");
            }
        }
    }

    /** Callback timing since start: periods run, total and worst nanoseconds spent in our part of the callback. */
    public record CallbackStats(long periods, long totalNanos, long maxNanos, int xruns, float jackCpuLoad) {
        public double meanMicros() {
            return periods == 0 ? 0 : totalNanos / 1e3 / periods;
        }
    }

    private final long handle;
    private final Player player;
    private final JackCapture capture;
    private final int voices;
    private final int sampleRate;
    private final int bufferSize;
    private final FloatBuffer out; // [port][maxFrames], ports voice0_L, voice0_R, voice1_L, ...
    private final FloatBuffer inLeft;
    private final FloatBuffer inRight;
    // Written by the audio thread only; read (racily, as statistics) by others.
    private volatile long periods;
    private volatile long totalNanos;
    private volatile long maxNanos;
    private volatile long callbackThread = -1;
    private volatile boolean closed;

    private JackPlayerClient(Config config, Player.ClipSource clips) throws JackUnavailableException {
        JackShim.load();
        voices = config.voices();
        String[] outs = new String[2 * voices];
        for (int v = 0; v < voices; v++) {
            outs[2 * v] = "voice" + (v + 1) + "_L";
            outs[2 * v + 1] = "voice" + (v + 1) + "_R";
        }
        handle = JackShim.open(config.clientName(), config.serverName(), outs, new String[]{"in_L", "in_R"}, Mixer.MAX_FRAMES, this);
        try {
            sampleRate = JackShim.sampleRate(handle);
            bufferSize = JackShim.bufferSize(handle);
            if (bufferSize > Mixer.MAX_FRAMES) {
                throw new JackUnavailableException("JACK periods of " + bufferSize + " frames are longer than the "
                        + Mixer.MAX_FRAMES + " the mixer is built for");
            }
            player = new Player(new Mixer(voices, Mixer.MAX_FRAMES), sampleRate, clips, config.bpm());
            capture = new JackCapture(player);
            out = JackShim.buffer(handle, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer in = JackShim.buffer(handle, false).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inLeft = in.slice(0, Mixer.MAX_FRAMES);
            inRight = in.slice(Mixer.MAX_FRAMES, Mixer.MAX_FRAMES);
            JackShim.activate(handle);
        } catch (JackUnavailableException | RuntimeException e) {
            JackShim.close(handle);
            throw e;
        }
        player.startEndDrain();
    }

    /** Connects to a running JACK server; JackUnavailableException if there is none (or no libjack, or no shim). */
    public static JackPlayerClient open(Config config, Player.ClipSource clips) throws JackUnavailableException {
        return new JackPlayerClient(config, clips);
    }

    /**
     * One period, called from the C callback on JACK's thread with the frame time and the transport already read;
     * false outputs silence. Allocation-free: the mixer renders into its arrays, which are copied into the shim's
     * output buffer at absolute positions.
     */
    @SuppressWarnings("unused") // called from longplay_jack.c
    private boolean cycle(long frame32, int frames, boolean bbt, boolean rolling, double beat, double bpm) {
        if (closed) {
            return false;
        }
        long t0 = System.nanoTime();
        if (callbackThread < 0) {
            callbackThread = Thread.currentThread().getId();
        }
        long start = player.audioCycle(frame32, frames, bbt, rolling, beat, bpm);
        capture.process(start, frames, inLeft, inRight);
        Mixer mixer = player.mixer();
        for (int v = 0; v < voices; v++) {
            out.put(2 * v * Mixer.MAX_FRAMES, mixer.left(v), 0, frames);
            out.put((2 * v + 1) * Mixer.MAX_FRAMES, mixer.right(v), 0, frames);
        }
        long spent = System.nanoTime() - t0;
        periods = periods + 1;
        totalNanos = totalNanos + spent;
        if (spent > maxNanos) {
            maxNanos = spent;
        }
        return true;
    }

    /** The JACK frame time (32-bit) now, as JACK estimates it between period starts. */
    public long currentFrame() {
        return JackShim.frameTime(handle);
    }

    public Player player() {
        return player;
    }

    public JackCapture capture() {
        return capture;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public String clientName() {
        return JackShim.clientName(handle);
    }

    /** Full names of voice {@code v}'s ports (v from 0): left, right. */
    public List<String> outputPorts(int v) {
        return List.of(JackShim.portName(handle, true, 2 * v), JackShim.portName(handle, true, 2 * v + 1));
    }

    public List<String> inputPorts() {
        return List.of(JackShim.portName(handle, false, 0), JackShim.portName(handle, false, 1));
    }

    /** Connects {@code source} to {@code destination} (full port names); already connected is fine. */
    public void connect(String source, String destination) throws JackUnavailableException {
        int rc = JackShim.connect(handle, source, destination);
        if (rc != 0 && rc != EEXIST) {
            throw new JackUnavailableException("jack_connect " + source + " -> " + destination + " failed (" + rc + ")");
        }
    }

    /** Connects every voice to the first two physical playback ports, if there are any. */
    public List<String> connectToPlayback() throws JackUnavailableException {
        String[] playback = JackShim.physicalPlaybackPorts(handle);
        List<String> made = new ArrayList<>();
        if (playback.length >= 2) {
            for (int v = 0; v < voices; v++) {
                List<String> ports = outputPorts(v);
                for (int ch = 0; ch < 2; ch++) {
                    connect(ports.get(ch), playback[ch]);
                    made.add(ports.get(ch) + " -> " + playback[ch]);
                }
            }
        }
        return made;
    }

    public CallbackStats stats() {
        return new CallbackStats(periods, totalNanos, maxNanos, JackShim.xruns(handle), JackShim.cpuLoad(handle));
    }

    /** The Java id of the thread JACK runs the process callback on, or -1 before the first period. */
    public long callbackThreadId() {
        return callbackThread;
    }

    /** Resets the timing statistics and the xrun count (after warm-up, say). */
    public void resetStats() {
        JackShim.resetXruns(handle);
        maxNanos = 0;
        totalNanos = 0;
        periods = 0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        JackShim.close(handle);
        player.close();
    }
}
