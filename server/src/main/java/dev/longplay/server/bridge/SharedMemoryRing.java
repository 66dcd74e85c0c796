package dev.longplay.server.bridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The producer side of a {@code longplay_bridge.h} ring: a POSIX shared-memory object the server creates, maps and
 * fills with interleaved float32 frames for one plugin instance to read. The layout and protocol are documented in
 * the header; this class is its Java mirror.
 *
 * <p>Memory ordering. JNA maps the object; all access goes through a direct {@link ByteBuffer} over the mapping.
 * The frame data are written with plain bulk puts; the 64-bit positions through a
 * {@link MethodHandles#byteBufferViewVarHandle byte-buffer view VarHandle}, which on an aligned direct buffer gives
 * atomic 64-bit {@code setRelease}/{@code getAcquire} — the same semantics as C11's
 * {@code memory_order_release}/{@code acquire} that the C reader uses, on every CPU the JVM runs on. (JNA's
 * {@code Pointer.setLong} is a plain native store: neither the JIT nor an ARM core is kept from moving the frame
 * writes after it, and {@code sun.misc.Unsafe} fences are not public API; {@code java.lang.foreign} is not in 17.)
 * So: data stores, then release store of write_pos; the reader's acquire load of write_pos sees them all.
 *
 * <p>One producer thread at a time (callers serialise); {@link #write} never blocks: it writes what fits.
 */
public final class SharedMemoryRing implements AutoCloseable {

    public static final int MAGIC = 0x5242504C;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 192;
    static final int WRITE_POS = 64;
    static final int READ_POS = 128;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final String name;
    private final int sampleRate;
    private final int channels;
    private final int capacity;
    private final long size;
    private final Pointer base;
    private final ByteBuffer header;
    private final FloatBuffer frames;
    private long written; // producer's own copy of write_pos
    private boolean closed;

    private SharedMemoryRing(String name, int sampleRate, int channels, int capacity, long size, Pointer base) {
        this.name = name;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.capacity = capacity;
        this.size = size;
        this.base = base;
        ByteBuffer all = base.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        this.header = all;
        this.frames = all.slice(HEADER_BYTES, (int) (size - HEADER_BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Creates {@code name} (a POSIX shm name, "/longplay-…"), replacing a stale one left by a crash, and writes the
     * header. Mode 0600: only this user's processes can map it.
     */
    public static SharedMemoryRing create(String name, int sampleRate, int channels, int capacityFrames) {
        if (!name.matches("/[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("bad shared-memory name: " + name);
        }
        if (capacityFrames < 64 || capacityFrames > (1 << 22) || Integer.bitCount(capacityFrames) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [64, 4194304] frames, got " + capacityFrames);
        }
        if (channels < 1 || channels > 8 || sampleRate < 8000 || sampleRate > 384_000) {
            throw new IllegalArgumentException("unsupported ring format: " + channels + " channels at " + sampleRate + " Hz");
        }
        long size = HEADER_BYTES + (long) capacityFrames * channels * Float.BYTES;
        int fd = open(name);
        Pointer base;
        try {
            PosixShm.ftruncate(fd, size);
            base = PosixShm.mmap(null, size, PosixShm.PROT_READ | PosixShm.PROT_WRITE, PosixShm.MAP_SHARED, fd, 0);
        } catch (LastErrorException e) {
            PosixShm.shm_unlink(name);
            throw new IllegalStateException("cannot size or map " + name + ": errno " + e.getErrorCode(), e);
        } finally {
            PosixShm.close(fd); // the mapping keeps the object alive
        }
        SharedMemoryRing ring = new SharedMemoryRing(name, sampleRate, channels, capacityFrames, size, base);
        ring.writeHeader();
        return ring;
    }

    private static int open(String name) {
        int flags = PosixShm.O_CREAT | PosixShm.O_EXCL | PosixShm.O_RDWR;
        try {
            return PosixShm.shm_open(name, flags, 0600);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != PosixShm.EEXIST) {
                throw new IllegalStateException("shm_open " + name + ": errno " + e.getErrorCode(), e);
            }
        }
        PosixShm.shm_unlink(name); // left by a server that crashed; its reader must re-attach anyway
        return PosixShm.shm_open(name, flags, 0600);
    }

    private void writeHeader() {
        header.putInt(0, MAGIC);
        header.putInt(4, VERSION);
        header.putInt(8, sampleRate);
        header.putInt(12, channels);
        header.putInt(16, capacity);
        header.putInt(20, HEADER_BYTES);
        LONGS.setRelease(header, READ_POS, 0L);
        LONGS.setRelease(header, WRITE_POS, 0L); // last: publishes the header fields above
    }

    /**
     * Writes up to {@code count} frames from {@code interleaved}, starting at frame {@code fromFrame}, and returns
     * how many fit.
     */
    public synchronized int write(float[] interleaved, int fromFrame, int count) {
        if (closed) {
            throw new IllegalStateException("ring " + name + " is closed");
        }
        long read = (long) LONGS.getAcquire(header, READ_POS);
        int free = capacity - (int) (written - read);
        int n = Math.min(count, free);
        if (n <= 0) {
            return 0;
        }
        int at = (int) (written & (capacity - 1));
        int first = Math.min(n, capacity - at);
        frames.put(at * channels, interleaved, fromFrame * channels, first * channels);
        frames.put(0, interleaved, (fromFrame + first) * channels, (n - first) * channels);
        written += n;
        LONGS.setRelease(header, WRITE_POS, written);
        return n;
    }

    /** Frames written and not yet read. */
    public int buffered() {
        return (int) (written() - readPosition());
    }

    public long written() {
        return (long) LONGS.getAcquire(header, WRITE_POS);
    }

    public long readPosition() {
        return (long) LONGS.getAcquire(header, READ_POS);
    }

    public String name() {
        return name;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    public int capacity() {
        return capacity;
    }

    /** Unmaps and unlinks: a reader that still has it mapped keeps its pages until it unmaps. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            PosixShm.munmap(base, size);
        } finally {
            PosixShm.shm_unlink(name);
        }
    }
}
