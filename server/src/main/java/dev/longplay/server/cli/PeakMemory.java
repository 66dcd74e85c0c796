package dev.longplay.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory (VmHWM on Linux), which counts libtorch's native allocations too. */
final class PeakMemory {

    private PeakMemory() {
    }

    /** MiB, or -1 where /proc is not available. */
    static long rssHighWaterMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
