package dev.longplay.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Plays another local user: runs osc_probe.py as uid/gid 65534 ("nobody") through setpriv, which needs root (CI runs
 * as root). Tests that need it are skipped elsewhere.
 */
final class OtherUser {
    static final int UID = 65534;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OtherUser() {
    }

    static void assumeAvailable() throws IOException {
        PeerOwners owners = PeerOwners.system();
        assumeTrue(owners.selfUid().isPresent() && owners.selfUid().getAsInt() == 0
                        && Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs Linux socket tables, root, setpriv and python3 to act as another user");
    }

    /** Starts the probe as the other user; its stdout lines are JSON values. */
    static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + UID, "--regid=" + UID,
                "--clear-groups", "/usr/bin/python3", script().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Sends each message as the other user (UDP or TCP) and returns the first reply to each (null: none). */
    static List<JsonNode> talk(String transport, int port, Object[]... messages) throws IOException, InterruptedException {
        return talkFrom(0, transport, port, messages);
    }

    /** As {@link #talk}, over UDP from local port {@code fromPort} (0: any). */
    static List<JsonNode> talkFrom(int fromPort, String transport, int port, Object[]... messages)
            throws IOException, InterruptedException {
        List<Object> json = new ArrayList<>();
        for (Object[] m : messages) {
            List<Object> msg = new ArrayList<>();
            msg.add(m[0]);
            for (int i = 1; i < m.length; i++) {
                Object a = m[i];
                msg.add(List.of(a instanceof Integer ? "i" : a instanceof Number ? "f" : "s", a));
            }
            json.add(msg);
        }
        Process p = start("talk", transport, Integer.toString(port), JSON.writeValueAsString(json), Integer.toString(fromPort));
        List<JsonNode> replies = lines(p);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the probe did not finish");
        }
        return replies;
    }

    static List<JsonNode> lines(Process p) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Reads the probe's output one JSON line at a time (for the hold command). */
    static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    static JsonNode parse(String line) throws IOException {
        return line == null ? null : JSON.readTree(line);
    }

    private static Path script() throws IOException {
        try {
            Path p = Path.of(OtherUser.class.getResource("/osc_probe.py").toURI());
            if (!Files.isReadable(p)) {
                throw new IOException(p + " is not readable");
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** {@code /address arg...} as a list, for comparing with a reply. */
    static List<Object> args(JsonNode reply) {
        List<Object> out = new ArrayList<>();
        reply.forEach(n -> out.add(n.isInt() ? (Object) n.intValue() : n.isNumber() ? (Object) n.doubleValue() : n.asText()));
        return out;
    }
}
