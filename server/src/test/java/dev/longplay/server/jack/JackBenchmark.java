package dev.longplay.server.jack;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.SplittableRandom;

/**
 * Not a pass/fail test: reports xruns and the callback's CPU at 64- and 128-frame periods with every voice looping,
 * on a private realtime dummy JACK server. Off by default; run it with
 * {@code mvn -pl server -am test -Dtest=JackBenchmark -Dlongplay.benchmark=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "longplay.benchmark", matches = "true")
class JackBenchmark {

    static final int VOICES = 8;
    static final int SECONDS = Integer.getInteger("longplay.benchmark.seconds", 20);

    static PlayableClip noise(String id, int rate) {
        SplittableRandom random = new SplittableRandom(id.hashCode());
        float[] l = new float[rate];
        float[] r = new float[rate];
        for (int i = 0; i < rate; i++) {
            l[i] = (float) (random.nextDouble() - 0.5);
            r[i] = (float) (random.nextDouble() - 0.5);
        }
        return new PlayableClip(id, l, r, rate);
    }

    @Test
    void report() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder table = new StringBuilder(String.format(
                "%nperiod  realtime  seconds  xruns  callback mean us  max us  CPU of period  jack DSP load  bytes/period (callback thread)%n"));
        for (int period : new int[]{64, 128}) {
            try (JackServerHarness jackd = JackServerHarness.start(period);
                 JackPlayerClient client = JackPlayerClient.open(new JackPlayerClient.Config("lp-bench", jackd.name, VOICES, 120),
                         JackBenchmark::noise)) {
                for (int v = 0; v < VOICES; v++) {
                    client.player().play(new PlayRequest("v" + v, "noise" + v, null, null, PlayMode.LOOP, 0.1, 5.0, null, null));
                }
                Thread.sleep(2000); // JIT warm-up
                client.resetStats();
                long allocatedBefore = threads.getThreadAllocatedBytes(client.callbackThreadId());
                Thread.sleep(SECONDS * 1000L);
                JackPlayerClient.CallbackStats s = client.stats();
                long allocated = threads.getThreadAllocatedBytes(client.callbackThreadId()) - allocatedBefore;
                double periodMicros = period * 1e6 / client.sampleRate();
                table.append(String.format("%6d  %8s  %7d  %5d  %16.1f  %6.1f  %12.2f%%  %12.1f%%  %26.0f%n", period, jackd.realtime, SECONDS,
                        s.xruns(), s.meanMicros(), s.maxNanos() / 1e3, 100 * s.meanMicros() / periodMicros, s.jackCpuLoad(),
                        allocated / (double) Math.max(1, s.periods())));
            }
        }
        System.out.println(table);
    }
}
