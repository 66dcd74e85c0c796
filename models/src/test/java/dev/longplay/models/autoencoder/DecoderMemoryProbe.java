package dev.longplay.models.autoencoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures the native memory a SAO 1.0-sized decoder (random weights) needs per decoded latent frame, for
 * docs/memory.md. Too slow for the normal suite; run it on purpose:
 * {@code mvn -o -pl models test -Dtest=DecoderMemoryProbe -Dlongplay.memoryProbe=true
 * -Dlongplay.memoryProbe.frames=64}; the report is appended to $TMPDIR/longplay-decoder-memory.txt.
 */
@EnabledIfSystemProperty(named = "longplay.memoryProbe", matches = "true")
class DecoderMemoryProbe {

    /** SAO 1.0's decoder: channels 128, c_mults [1, 2, 4, 8, 16], strides [2, 4, 4, 8, 8], latent_dim 64. */
    static final OobleckConfig SAO_DECODER = new OobleckConfig(2, 128, 64, List.of(1, 2, 4, 8, 16),
            List.of(2, 4, 4, 8, 8), true, false, false);

    @Test
    void peakMemoryPerLatentFrame() throws IOException {
        try (NDManager weights = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            OobleckDecoder decoder = randomDecoder(SAO_DECODER, weights);
            StringBuilder report = new StringBuilder("receptive radius (latent frames): "
                    + decoder.receptiveRadiusLatents() + "\n");
            // one size per JVM gives clean numbers: the allocator keeps freed pages, hiding later peaks
            for (String f : System.getProperty("longplay.memoryProbe.frames", "32").split(",")) {
                int frames = Integer.parseInt(f.trim());
                resetPeak();
                long before = status("VmRSS");
                long start = System.nanoTime();
                try (NDManager m = weights.newSubManager()) {
                    NDArray audio = decoder.forward(m.randomNormal(new Shape(1, 64, frames)));
                    assertEquals(frames * 2048L, audio.getShape().get(2));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long peak = status("VmHWM");
                // a second pass, after libtorch has built its kernels and the allocator holds the pages
                long warmStart = System.nanoTime();
                try (NDManager m = weights.newSubManager()) {
                    decoder.forward(m.randomNormal(new Shape(1, 64, frames))).getFloat(0, 0, 0);
                }
                double warm = (System.nanoTime() - warmStart) / 1e9;
                report.append(String.format("frames=%d peak_above_weights=%.1f MiB (%.2f MiB/frame) time=%.2f s,"
                                + " warm %.2f s%n", frames, (peak - before) / 1024.0, (peak - before) / 1024.0 / frames,
                        seconds, warm));
            }
            Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "longplay-decoder-memory.txt"),
                    report.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            System.out.print(report);
        }
    }

    /** Writing 5 to clear_refs resets the peak-RSS counter (VmHWM) of this process. */
    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    /** A /proc/self/status field in KiB. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc/self/status");
    }

    /** The decoder's structure with small random weights; the values do not matter for memory. */
    static OobleckDecoder randomDecoder(OobleckConfig cfg, NDManager m) {
        return FusedDecoderTest.randomDecoder(cfg, m);
    }
}
