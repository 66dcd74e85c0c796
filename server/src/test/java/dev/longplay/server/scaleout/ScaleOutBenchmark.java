package dev.longplay.server.scaleout;

import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Not a pass/fail test: what scale-out costs on this machine, for docs/scale-out.md. Throughput (jobs/s) of a
 * near-free renderer (one 0.1 s sine, no sampling time) shows the broker path's own cost: publish, pull, object
 * store up and down, result, local copy. Latency of single jobs on the embedded tiny model, in-process vs through
 * NATS, shows what a musician waits extra. Everything (nats-server, front server, workers) shares this machine.
 * Off by default; run it with
 * {@code mvn -pl server test -Dtest=ScaleOutBenchmark -Dlongplay.benchmark=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "longplay.benchmark", matches = "true")
class ScaleOutBenchmark {

    static final int JOBS = Integer.getInteger("longplay.benchmark.jobs", 200);
    static final int LATENCY_JOBS = Integer.getInteger("longplay.benchmark.latencyJobs", 20);
    static final String SINE_JOB = "{\"prompt\":\"bench\",\"seconds\":0.1,\"steps\":1,\"seed\":1}";
    static final String TINY_JOB = "{\"prompt\":\"bench\",\"seconds\":0.5,\"steps\":2,\"seed\":1}";

    private final Map<String, Long> doneAt = new ConcurrentHashMap<>();

    @Test
    void report() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        Path root = Files.createTempDirectory("longplay-scaleout-bench");
        // The machine's load matters as much as the code here: report it with the numbers.
        StringBuilder out = new StringBuilder(String.format("%nload average at start: %s", loadAverage()));
        out.append(String.format("%n%-34s %10s %12s %12s%n", "setup", "jobs/s", "median ms", "p90 ms"));
        try (NatsServerHarness nats = NatsServerHarness.start(root)) {
            Supplier<ClipRenderer> sine = () -> new SineRenderer(1, 0, 0.5f);
            Supplier<ClipRenderer> tiny = () -> new ModelClipRenderer(null, root.resolve("models"));
            row(out, "sine, in-process", root, null, SineRenderer.MODEL, sine, 0);
            row(out, "sine, NATS, 1 worker", root, nats, SineRenderer.MODEL, sine, 1);
            row(out, "sine, NATS, 2 workers", root, nats, SineRenderer.MODEL, sine, 2);
            row(out, "tiny model, in-process", root, null, EmbeddedModel.ID, tiny, 0);
            row(out, "tiny model, NATS, 1 worker", root, nats, EmbeddedModel.ID, tiny, 1);
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        out.append("load average at end: ").append(loadAverage()).append('\n');
        System.out.println(out);
    }

    private void row(StringBuilder out, String name, Path root, NatsServerHarness nats, String model,
                     Supplier<ClipRenderer> renderer, int workers) throws Exception {
        Path dir = root.resolve(name.replaceAll("[^a-z0-9]+", "-"));
        List<NatsWorker> ws = new ArrayList<>();
        LongplayServer server = nats == null
                ? LongplayServer.start(TestServer.config(dir, 1, JOBS + 10), renderer.get())
                : LongplayServer.start(TestServer.config(dir, 32, JOBS + 10), clips -> NatsJobRunner.connect(
                        new NatsJobRunner.Config(nats.url(), "bench", model, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips));
        try (TestServer s = new TestServer(server)) {
            for (int i = 0; i < workers; i++) {
                NatsWorker w = new NatsWorker(new NatsWorker.Config(nats.url(), "bench-" + i, Duration.ofSeconds(5), 3,
                        dir.resolve("work-" + i), JetStreamLayout.defaults()), renderer.get());
                w.start();
                ws.add(w);
            }
            s.server.engine().addListener(e -> {
                if (e.type() == JobEvent.Type.SUCCEEDED) {
                    doneAt.put(e.jobId(), System.nanoTime());
                }
            });
            boolean sine = model.equals(SineRenderer.MODEL);
            String job = sine ? SINE_JOB : TINY_JOB;
            for (int i = 0; i < 3; i++) { // warm-up: JIT, model load, consumers
                await(submit(s, job));
            }
            double rate = Double.NaN;
            if (sine) {
                long t0 = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < JOBS; i++) {
                    ids.add(submit(s, job));
                }
                long last = 0;
                for (String id : ids) {
                    last = Math.max(last, await(id));
                }
                rate = JOBS / ((last - t0) / 1e9);
            }
            double[] ms = new double[LATENCY_JOBS];
            for (int i = 0; i < LATENCY_JOBS; i++) {
                long t0 = System.nanoTime();
                ms[i] = (await(submit(s, job)) - t0) / 1e6;
            }
            Arrays.sort(ms);
            out.append(String.format("%-34s %10s %12.1f %12.1f%n", name, Double.isNaN(rate) ? "-" : String.format("%.1f", rate),
                    ms[ms.length / 2], ms[(int) Math.floor(ms.length * 0.9)]));
        } finally {
            for (NatsWorker w : ws) {
                w.close();
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String submit(TestServer s, String json) throws Exception {
        HttpResponse<String> r = s.postJob(json);
        if (r.statusCode() != 202) {
            throw new AssertionError(r.body());
        }
        return TestServer.json(r).get("id").asText();
    }

    private long await(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Long t;
        while ((t = doneAt.get(id)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not finish");
            }
            Thread.sleep(1);
        }
        return t;
    }
}
