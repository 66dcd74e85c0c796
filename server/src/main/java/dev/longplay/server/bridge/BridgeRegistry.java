package dev.longplay.server.bridge;

import dev.longplay.server.jack.PlayableClip;
import dev.longplay.server.jack.Player;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The plugin instances attached to the server, each with its own {@link SharedMemoryRing}. The handshake (HTTP or
 * OSC) calls {@link #attach}, {@link #send}, {@link #transport} and {@link #detach}; one pump thread moves queued
 * clips into the rings as the plugins read them. Clips are loaded and resampled to the instance's rate on the
 * calling thread, never on an audio thread.
 */
public final class BridgeRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeRegistry.class);
    private static final int CHANNELS = 2;
    private static final long PUMP_MILLIS = 5;
    private static final double MAX_QUEUED_SECONDS = 600;

    /** What the plugin needs to map its ring. */
    public record Attachment(String instanceId, String shmName, int sampleRate, int channels, int capacityFrames,
                             int headerBytes, int version) {
    }

    /** The host's transport as the plugin last reported it. */
    public record HostTransport(double tempo, double ppq, boolean playing, Instant at) {
    }

    /** A clip queued for an instance: it starts at ring position {@code startPosition} (frames since attach). */
    public record Sent(String instanceId, String clipId, int frames, long startPosition) {
    }

    /** An instance's state for listings. */
    public record InstanceInfo(Attachment attachment, long written, long read, long queuedFrames, HostTransport transport) {
    }

    private static final class Instance {
        final Attachment attachment;
        final SharedMemoryRing ring;
        final ArrayDeque<float[]> queue = new ArrayDeque<>(); // guarded by this
        int offset;          // frames of queue.peek() already written
        long queuedFrames;   // guarded by this
        long queuedUpTo;     // ring position after everything queued
        volatile HostTransport transport;

        Instance(Attachment attachment, SharedMemoryRing ring) {
            this.attachment = attachment;
            this.ring = ring;
        }
    }

    private final Player.ClipSource clips;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final List<Consumer<String>> detachListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread pump;
    private volatile boolean closed;

    public BridgeRegistry(Player.ClipSource clips) {
        this.clips = clips;
        this.pump = new Thread(this::pumpLoop, "longplay-bridge-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Creates (or re-creates, if the instance attached before) the ring {@code /longplay-<instanceId>}.
     *
     * @param capacityFrames ring size; null = the next power of two at or above one second
     */
    public Attachment attach(String instanceId, int sampleRate, Integer capacityFrames) {
        requireId(instanceId);
        int capacity = capacityFrames != null ? capacityFrames : Integer.highestOneBit(Math.max(64, sampleRate) - 1) << 1;
        detach(instanceId);
        SharedMemoryRing ring = SharedMemoryRing.create("/longplay-" + instanceId, sampleRate, CHANNELS, capacity);
        Attachment a = new Attachment(instanceId, ring.name(), sampleRate, CHANNELS, capacity, SharedMemoryRing.HEADER_BYTES,
                SharedMemoryRing.VERSION);
        instances.put(instanceId, new Instance(a, ring));
        LOG.info("bridge: instance {} attached ({} Hz, ring {} of {} frames)", instanceId, sampleRate, ring.name(), capacity);
        return a;
    }

    /** Loads a clip at the instance's rate and queues it behind anything already queued. */
    public Sent send(String instanceId, String clipId) throws IOException {
        Instance inst = require(instanceId);
        PlayableClip clip = clips.load(clipId, inst.attachment.sampleRate());
        return enqueue(inst, clipId, clip.interleaved());
    }

    /** Queues interleaved stereo frames already at the instance's rate. */
    public Sent sendFrames(String instanceId, String label, float[] interleaved) {
        return enqueue(require(instanceId), label, interleaved);
    }

    private Sent enqueue(Instance inst, String label, float[] interleaved) {
        int frames = interleaved.length / CHANNELS;
        synchronized (inst) {
            if (inst.queuedFrames + frames > MAX_QUEUED_SECONDS * inst.attachment.sampleRate()) {
                throw new IllegalStateException("instance " + inst.attachment.instanceId() + " already has "
                        + MAX_QUEUED_SECONDS + " s of audio queued");
            }
            long start = Math.max(inst.queuedUpTo, inst.ring.written());
            inst.queue.add(interleaved);
            inst.queuedFrames += frames;
            inst.queuedUpTo = start + frames;
            pumpOne(inst);
            return new Sent(inst.attachment.instanceId(), label, frames, start);
        }
    }

    /** Records the host's transport as the plugin reports it. */
    public HostTransport transport(String instanceId, double tempo, double ppq, boolean playing) {
        if (!(tempo > 0 && tempo <= 1000) || !Double.isFinite(ppq)) {
            throw new IllegalArgumentException("tempo must be in (0, 1000] and ppq finite");
        }
        HostTransport t = new HostTransport(tempo, ppq, playing, Instant.now());
        require(instanceId).transport = t;
        return t;
    }

    public Optional<HostTransport> transportOf(String instanceId) {
        Instance inst = instances.get(instanceId);
        return inst == null ? Optional.empty() : Optional.ofNullable(inst.transport);
    }

    public Optional<InstanceInfo> info(String instanceId) {
        Instance inst = instances.get(instanceId);
        if (inst == null) {
            return Optional.empty();
        }
        synchronized (inst) {
            return Optional.of(new InstanceInfo(inst.attachment, inst.ring.written(), inst.ring.readPosition(),
                    inst.queuedFrames, inst.transport));
        }
    }

    public List<String> instanceIds() {
        return List.copyOf(instances.keySet());
    }

    public void addDetachListener(Consumer<String> listener) {
        detachListeners.add(listener);
    }

    /** Removes the instance and unlinks its ring; false if it was not attached. */
    public boolean detach(String instanceId) {
        Instance inst = instances.remove(instanceId);
        if (inst == null) {
            return false;
        }
        synchronized (inst) {
            inst.queue.clear();
            inst.ring.close();
        }
        detachListeners.forEach(l -> l.accept(instanceId));
        return true;
    }

    private Instance require(String instanceId) {
        Instance inst = instances.get(instanceId);
        if (inst == null) {
            throw new java.util.NoSuchElementException("no attached instance " + instanceId);
        }
        return inst;
    }

    private static void requireId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("instanceId must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
    }

    private void pumpLoop() {
        while (!closed) {
            for (Instance inst : instances.values()) {
                synchronized (inst) {
                    if (instances.get(inst.attachment.instanceId()) == inst) {
                        pumpOne(inst);
                    }
                }
            }
            try {
                Thread.sleep(PUMP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Writes as much queued audio as fits. Caller holds the instance's lock. */
    private static void pumpOne(Instance inst) {
        while (!inst.queue.isEmpty()) {
            float[] head = inst.queue.peek();
            int frames = head.length / CHANNELS;
            int n = inst.ring.write(head, inst.offset, frames - inst.offset);
            inst.offset += n;
            inst.queuedFrames -= n;
            if (inst.offset < frames) {
                return; // ring full: the plugin has not read enough yet
            }
            inst.queue.poll();
            inst.offset = 0;
        }
    }

    @Override
    public void close() {
        closed = true;
        pump.interrupt();
        for (String id : instanceIds()) {
            detach(id);
        }
    }
}
