package dev.longplay.server.jack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A private JACK server for a test: {@code jackd -n <unique name> -R -P 70 -d dummy -r 48000 -p <period>}, falling
 * back to {@code --no-realtime} where realtime scheduling is refused. Tests are skipped (assumption) when jackd is
 * not installed. Clients reach it through {@link JackPlayerClient.Config#serverName()}.
 */
final class JackServerHarness implements AutoCloseable {

    final String name;
    final boolean realtime;
    private final Process process;
    private final Path log;

    private JackServerHarness(String name, boolean realtime, Process process, Path log) {
        this.name = name;
        this.realtime = realtime;
        this.process = process;
        this.log = log;
    }

    /** setenv from libc: jnajack has no server-name argument, but libjack reads JACK_DEFAULT_SERVER at client open. */
    interface LibC extends com.sun.jna.Library {
        int setenv(String name, String value, int overwrite);
    }

    /** Points jnajack clients opened by this JVM (the tests' timebase master) at this server. */
    void selectForJnajack() {
        com.sun.jna.Native.load("c", LibC.class).setenv("JACK_DEFAULT_SERVER", name, 1);
    }

    static JackServerHarness start(int period) throws Exception {
        assumeTrue(onPath("jackd") && onPath("jack_lsp"), "jackd is not installed (apt-get install jackd2)");
        String name = "longplay-test-" + ProcessHandle.current().pid() + "-" + period;
        JackServerHarness rt = tryStart(name, period, true);
        return rt != null ? rt : requireStarted(tryStart(name, period, false));
    }

    private static JackServerHarness requireStarted(JackServerHarness s) {
        if (s == null) {
            throw new IllegalStateException("jackd did not start even without realtime scheduling");
        }
        return s;
    }

    private static JackServerHarness tryStart(String name, int period, boolean realtime) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jackd", "-n", name));
        if (realtime) {
            cmd.addAll(List.of("-R", "-P", "70"));
        } else {
            cmd.add("--no-realtime");
        }
        cmd.addAll(List.of("-d", "dummy", "-r", "48000", "-p", Integer.toString(period)));
        Path log = Files.createTempFile("jackd-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JACK_NO_AUDIO_RESERVATION", "1");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return null;
            }
            if (serverAnswers(name)) {
                return new JackServerHarness(name, realtime, p, log);
            }
            Thread.sleep(100);
        }
        p.destroyForcibly().waitFor();
        return null;
    }

    private static boolean serverAnswers(String name) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("jack_lsp", "-s", name).redirectErrorStream(true);
        pb.environment().put("JACK_NO_START_SERVER", "1");
        Process lsp = pb.start();
        lsp.getInputStream().readAllBytes();
        return lsp.waitFor(5, TimeUnit.SECONDS) && lsp.exitValue() == 0;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(log);
    }
}
