import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.nn.FusedAttention;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times self-attention alone (FusedAttention.attend, whichever path -Dlongplay.attention selects) at SAO 1.0's
 * shape: batched CFG (B = 2), 24 heads of 64, over N tokens; prints seconds per call (best of 2 after a warm-up)
 * and the process's peak resident memory. Run each path in its own process so the peaks are its own:
 *
 *   java -Dlongplay.attention=blocked -Dai.djl.pytorch.num_threads=2 -Dai.djl.offline=true \
 *       -cp server/target/longplay.jar tools/bench/AttentionBench.java 216 1300 6142
 */
public final class AttentionBench {

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            long n = Long.parseLong(a);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray q = SeededNoise.stream(1, 1).next(m, new Shape(2, 24, n, 64));
                NDArray k = SeededNoise.stream(1, 2).next(m, new Shape(2, 24, n, 64));
                NDArray v = SeededNoise.stream(1, 3).next(m, new Shape(2, 24, n, 64));
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    try (NDManager call = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        NDArray out = FusedAttention.attend(q, k, v);
                        out.getFloat(0, 0, 0, 0);   // wait for the result (a GPU runs asynchronously)
                        double s = (System.nanoTime() - t0) / 1e9;
                        out.attach(call);
                        if (i > 0) {
                            best = Math.min(best, s);
                        }
                    }
                }
                System.out.printf("attention=%s tokens=%d seconds=%.3f%n", FusedAttention.describe(), n, best);
            }
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?");
        System.out.println("peak " + hwm.replaceAll("\\s+", " "));
    }
}
