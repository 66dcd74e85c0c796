package dev.longplay.server.jack;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.jaudiolibs.jnajack.Jack;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackOptions;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackPortFlags;
import org.jaudiolibs.jnajack.JackPortType;
import org.jaudiolibs.jnajack.JackStatus;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server as a JACK client: stereo output ports {@code voiceN_L}/{@code voiceN_R} per voice (N from 1), stereo
 * capture inputs {@code in_L}/{@code in_R}, and a process callback that reads the frame time and the transport,
 * runs the {@link Player}'s mixer and {@link JackCapture}, and copies the voices into the port buffers. The callback
 * allocates nothing of its own (JNA's trampoline and jnajack's per-period port lookup create a few short-lived
 * wrappers), takes no lock and logs nothing.
 */
public final class JackPlayerClient implements AutoCloseable {

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

    private final JackClient client;
    private final Pointer handle;
    private final Player player;
    private final JackCapture capture;
    private final JackPort[] outL;
    private final JackPort[] outR;
    private final JackPort inL;
    private final JackPort inR;
    private final Memory position = JackNative.position();
    private final AtomicInteger xruns = new AtomicInteger();
    private final int sampleRate;
    private final int bufferSize;
    // Written by the audio thread only; read (racily, as statistics) by others.
    private volatile long periods;
    private volatile long totalNanos;
    private volatile long maxNanos;
    private volatile long callbackThread = -1;

    private JackPlayerClient(Config config, Player.ClipSource clips) throws JackException {
        if (config.serverName() != null) {
            JackNative.selectServer(config.serverName());
        }
        Jack jack = Jack.getInstance();
        EnumSet<JackStatus> status = EnumSet.noneOf(JackStatus.class);
        client = jack.openClient(config.clientName(), EnumSet.of(JackOptions.JackNoStartServer), status);
        try {
            handle = JackNative.handle(client);
            sampleRate = client.getSampleRate();
            bufferSize = client.getBufferSize();
            player = new Player(new Mixer(config.voices(), Mixer.MAX_FRAMES), sampleRate, clips, config.bpm());
            capture = new JackCapture(player);
            outL = new JackPort[config.voices()];
            outR = new JackPort[config.voices()];
            for (int v = 0; v < config.voices(); v++) {
                outL[v] = client.registerPort("voice" + (v + 1) + "_L", JackPortType.AUDIO, JackPortFlags.JackPortIsOutput);
                outR[v] = client.registerPort("voice" + (v + 1) + "_R", JackPortType.AUDIO, JackPortFlags.JackPortIsOutput);
            }
            inL = client.registerPort("in_L", JackPortType.AUDIO, JackPortFlags.JackPortIsInput);
            inR = client.registerPort("in_R", JackPortType.AUDIO, JackPortFlags.JackPortIsInput);
            client.setXrunCallback(c -> xruns.incrementAndGet());
            client.setProcessCallback(this::process);
            client.activate();
        } catch (JackException | RuntimeException e) {
            client.close();
            throw e;
        }
        player.startEndDrain();
    }

    /** Connects to a running JACK server; JackException if there is none. */
    public static JackPlayerClient open(Config config, Player.ClipSource clips) throws JackException {
        return new JackPlayerClient(config, clips);
    }

    private boolean process(JackClient c, int frames) {
        long t0 = System.nanoTime();
        if (callbackThread < 0) {
            callbackThread = Thread.currentThread().getId();
        }
        long frame32 = Integer.toUnsignedLong(JackNative.jack_last_frame_time(handle));
        int state = JackNative.jack_transport_query(handle, position);
        boolean bbt = (position.getInt(JackNative.POS_VALID) & JackNative.POSITION_BBT) != 0;
        double beat = 0;
        double bpm = 0;
        if (bbt) {
            double ticksPerBeat = position.getDouble(JackNative.POS_TICKS_PER_BEAT);
            beat = (position.getInt(JackNative.POS_BAR) - 1) * (double) position.getFloat(JackNative.POS_BEATS_PER_BAR)
                    + (position.getInt(JackNative.POS_BEAT) - 1)
                    + (ticksPerBeat > 0 ? position.getInt(JackNative.POS_TICK) / ticksPerBeat : 0);
            bpm = position.getDouble(JackNative.POS_BPM);
        }
        long start = player.audioCycle(frame32, frames, bbt, state == JackNative.TRANSPORT_ROLLING, beat, bpm);
        capture.process(start, frames, inL.getFloatBuffer(), inR.getFloatBuffer());
        Mixer mixer = player.mixer();
        for (int v = 0; v < outL.length; v++) {
            copy(mixer.left(v), outL[v].getFloatBuffer(), frames);
            copy(mixer.right(v), outR[v].getFloatBuffer(), frames);
        }
        long spent = System.nanoTime() - t0;
        periods = periods + 1;
        totalNanos = totalNanos + spent;
        if (spent > maxNanos) {
            maxNanos = spent;
        }
        return true;
    }

    private static void copy(float[] from, FloatBuffer to, int frames) {
        to.put(0, from, 0, frames);
    }

    /** The JACK frame time (32-bit) now, as JACK estimates it between period starts. */
    public long currentFrame() {
        return Integer.toUnsignedLong(JackNative.jack_frame_time(handle));
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
        return client.getName();
    }

    /** Full names of voice {@code v}'s ports (v from 0): left, right. */
    public List<String> outputPorts(int v) {
        return List.of(outL[v].getName(), outR[v].getName());
    }

    public List<String> inputPorts() {
        return List.of(inL.getName(), inR.getName());
    }

    /** Connects {@code source} to {@code destination} (full port names). */
    public void connect(String source, String destination) throws JackException {
        Jack.getInstance().connect(client, source, destination);
    }

    /** Connects every voice to the first two physical playback ports, if there are any. */
    public List<String> connectToPlayback() throws JackException {
        String[] playback = Jack.getInstance().getPorts(client, null, JackPortType.AUDIO,
                EnumSet.of(JackPortFlags.JackPortIsInput, JackPortFlags.JackPortIsPhysical));
        List<String> made = new ArrayList<>();
        if (playback.length >= 2) {
            for (int v = 0; v < outL.length; v++) {
                connect(outL[v].getName(), playback[0]);
                connect(outR[v].getName(), playback[1]);
                made.add(outL[v].getName() + " -> " + playback[0]);
                made.add(outR[v].getName() + " -> " + playback[1]);
            }
        }
        return made;
    }

    public CallbackStats stats() {
        return new CallbackStats(periods, totalNanos, maxNanos, xruns.get(), JackNative.jack_cpu_load(handle));
    }

    /** The Java id of the thread JACK runs the process callback on, or -1 before the first period. */
    public long callbackThreadId() {
        return callbackThread;
    }

    /** Resets the timing statistics and the xrun count (after warm-up, say). */
    public void resetStats() {
        xruns.set(0);
        maxNanos = 0;
        totalNanos = 0;
        periods = 0;
    }

    @Override
    public void close() {
        player.close();
        client.close();
    }
}
