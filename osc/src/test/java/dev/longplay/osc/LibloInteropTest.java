package dev.longplay.osc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Debian's liblo-tools (oscsend, oscdump) against the server: a C OSC implementation, not ours. */
class LibloInteropTest {
    private final RecordingHandler handler = new RecordingHandler();
    private OscServerTransport server;
    private Process dump;

    @AfterEach
    void stop() {
        if (dump != null) {
            dump.destroy();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oscsendfileCommandsAndOscdumpReceivesTheReplies() throws Exception {
        assumeTrue(ExternalTools.which("oscsendfile").isPresent() && ExternalTools.which("oscdump").isPresent(),
                "liblo-tools is not installed");
        server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, 0).withSecret("liblo-secret-42"), handler);
        String port = Integer.toString(server.udpAddress().orElseThrow().getPort());
        int dumpPort = ExternalTools.freeUdpPort();
        dump = new ProcessBuilder("oscdump", "-L", Integer.toString(dumpPort)).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(dump.getInputStream(), StandardCharsets.UTF_8));
        Thread.sleep(300); // let oscdump bind

        // oscsendfile sends every line from one socket, so /auth and /notify's replyPort hold for the lines after
        // them; like Max and Pd it cannot receive, so replies go to oscdump's port. It closes its socket as soon as it
        // has sent, before the server can see who owned it, so it authenticates like another user's client.
        java.nio.file.Path script = java.nio.file.Files.createTempFile("longplay-liblo", ".txt");
        java.nio.file.Files.writeString(script, String.join("\n",
                "00000000.00000001 /auth s \"liblo-secret-42\"",
                "00000000.00000001 /notify ii 1 " + dumpPort,
                "00000000.00000001 /gen/text isfsi 4 \"pad\" 2.5 \"seed\" 9",
                "00000000.00000001 /gen/loop isfi 5 \"drums\" 120 0") + "\n");
        try {
            assertEquals(0, ExternalTools.run("oscsendfile", "127.0.0.1", port, script.toString()));
        } finally {
            java.nio.file.Files.delete(script);
        }

        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.size() < 4 && System.nanoTime() < deadline) {
            if (lines.ready()) {
                got.add(lines.readLine());
            } else {
                Thread.sleep(20);
            }
        }
        // oscdump prints: [timestamp] address types values...
        assertEquals(4, got.size(), got.toString());
        assertTrue(got.get(0).contains("/done si \"/notify\" 1"), got.get(0));
        assertTrue(got.get(1).contains("/gen/progress ifiis 4 0.5"), got.get(1));
        assertTrue(got.get(2).contains("/done sissiiii \"/gen/text\" 4 \"clip-4\""), got.get(2));
        assertTrue(got.get(3).contains("/fail sssi \"/gen/loop\" \"E_BAD_ARG\""), got.get(3));
        assertEquals(9, handler.accepted.get(0).options().integer("seed").getAsInt());
    }

    @Test
    void oscsendOneShotWithAPromptWithSpaces() throws Exception {
        assumeTrue(ExternalTools.which("oscsend").isPresent(), "liblo-tools is not installed");
        server = OscServerTransport.start(oneShotConfig(), handler);
        String port = Integer.toString(server.udpAddress().orElseThrow().getPort());
        assertEquals(0, ExternalTools.run("oscsend", "127.0.0.1", port, "/gen/text", "isf", "4", "warm pad", "2.5"));
        OscRequest r = awaitFirst();
        assertEquals("warm pad", r.string("prompt"));
        assertEquals(2.5, r.number("seconds"));
    }

    /**
     * oscsend sends one message and closes its socket at once, so its owner cannot be read and it cannot /auth first:
     * these wire-format tests serve it as a single-user machine would with serve --osc-trust-local-users.
     */
    private static OscServerConfig oneShotConfig() {
        OscServerConfig c = OscServerConfig.defaults("1").withPorts(0, 0);
        return c.withTrust(c.trust().trustingAnyLocalUser());
    }

    private OscRequest awaitFirst() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (handler.accepted.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return handler.accepted.get(0);
    }

    @Test
    void oscsendOverTcp() throws Exception {
        assumeTrue(ExternalTools.which("oscsend").isPresent(), "liblo-tools is not installed");
        server = OscServerTransport.start(oneShotConfig(), handler);
        String url = "osc.tcp://127.0.0.1:" + server.tcpAddress().orElseThrow().getPort();
        assertEquals(0, ExternalTools.run("oscsend", url, "/clip/info", "s", "abc"));
        OscRequest r = awaitFirst();
        assertEquals("abc", r.string("clipId"));
        assertEquals("tcp", r.transport());
    }
}
