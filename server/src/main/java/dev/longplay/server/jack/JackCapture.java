package dev.longplay.server.jack;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records a take from the client's stereo input ports. A control thread allocates the take's buffers and arms it;
 * the audio thread copies input frames into them from the start frame on, sample-exactly, and flags the take done;
 * the control thread, polling, collects it. The audio side only copies into preallocated arrays.
 */
public final class JackCapture {

    private static final long POLL_MILLIS = 5;

    /** A finished take: planar stereo at the JACK rate, and the 32-bit frame time of its first frame. */
    public record Recording(float[] left, float[] right, int sampleRate, long startFrame) {
        public int frames() {
            return left.length;
        }

        public double seconds() {
            return left.length / (double) sampleRate;
        }
    }

    private static final class Take {
        final float[] left;
        final float[] right;
        final long startFrame; // 64-bit; Long.MIN_VALUE = the next period's first frame
        long actualStart;
        int filled;
        volatile boolean done;

        Take(int frames, long startFrame) {
            left = new float[frames];
            right = new float[frames];
            this.startFrame = startFrame;
        }
    }

    private final Player player;
    private final AtomicReference<Take> armed = new AtomicReference<>();

    JackCapture(Player player) {
        this.player = player;
    }

    /**
     * Records {@code frames} frames starting at JACK frame time {@code atFrame} (null = the next period) and waits for
     * them. One take at a time.
     */
    public Recording record(int frames, Long atFrame, Duration timeout) throws InterruptedException, TimeoutException {
        if (frames < 1 || frames > 600 * player.sampleRate()) {
            throw new IllegalArgumentException("a take is 1 frame to 600 s long");
        }
        Take take = new Take(frames, atFrame == null ? Long.MIN_VALUE : player.extendFrame(atFrame));
        if (!armed.compareAndSet(null, take)) {
            throw new PlayerException("capture_busy", "a capture is already running");
        }
        long deadline = System.nanoTime() + timeout.toNanos() + (long) (frames * 1e9 / player.sampleRate());
        try {
            while (!take.done) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the capture did not finish: is JACK running?");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            armed.compareAndSet(take, null);
        }
        return new Recording(take.left, take.right, player.sampleRate(), take.actualStart & 0xFFFF_FFFFL);
    }

    /** Whether a take is armed or running. */
    public boolean isRecording() {
        return armed.get() != null;
    }

    /** Audio thread: copies this period's input into the armed take, if any. {@code cycleStart} is 64-bit. */
    void process(long cycleStart, int frames, FloatBuffer inLeft, FloatBuffer inRight) {
        Take t = armed.get();
        if (t == null || t.done) {
            return;
        }
        int from = 0;
        if (t.filled == 0) {
            long offset = t.startFrame == Long.MIN_VALUE ? 0 : t.startFrame - cycleStart;
            if (offset >= frames) {
                return;
            }
            from = (int) Math.max(0, offset);
            t.actualStart = cycleStart + from;
        }
        int n = Math.min(frames - from, t.left.length - t.filled);
        inLeft.get(from, t.left, t.filled, n);
        inRight.get(from, t.right, t.filled, n);
        t.filled += n;
        if (t.filled == t.left.length) {
            t.done = true;
        }
    }
}
