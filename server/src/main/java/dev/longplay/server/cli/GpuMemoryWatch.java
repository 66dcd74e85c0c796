package dev.longplay.server.cli;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

/**
 * The peak of a GPU's used memory over a stretch of work, polled every millisecond or two from its own thread.
 * libtorch's caching allocator keeps no statistics DJL exposes, so this reads what cudaMemGetInfo reports (the
 * memory the process's allocator holds, as torch.cuda.max_memory_reserved counts it, plus anything else on the
 * device) and subtracts the level at the start. tools/bench_reference.py measures the reference the same way.
 */
final class GpuMemoryWatch implements AutoCloseable {

    private final Device device;
    private final long baseline;
    private final Thread poller;
    private volatile boolean running = true;
    private volatile long peak;

    private GpuMemoryWatch(Device device) {
        this.device = device;
        this.baseline = used(device);
        this.peak = baseline;
        this.poller = new Thread(this::poll, "gpu-memory-watch");
        poller.setDaemon(true);
        poller.start();
    }

    /** Starts watching {@code device}; null for a CPU (there is nothing to watch). */
    static GpuMemoryWatch start(Device device) {
        return device.isGpu() ? new GpuMemoryWatch(device) : null;
    }

    private static long used(Device device) {
        return CudaUtils.getGpuMemory(device).getUsed();
    }

    private void poll() {
        while (running) {
            long now = used(device);
            if (now > peak) {
                peak = now;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** MiB above the level when watching started. */
    long peakMiB() {
        return Math.max(0, peak - baseline) >> 20;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long last = used(device);
        if (last > peak) {
            peak = last;
        }
    }
}
