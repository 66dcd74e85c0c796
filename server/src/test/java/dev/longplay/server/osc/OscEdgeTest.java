package dev.longplay.server.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscClient;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.SineTake;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OSC edge end to end over UDP against a running server with the real tiny model: a client sends from one
 * socket and, like Max and Pd, takes its replies on another port given with /notify.
 */
class OscEdgeTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final AtomicInteger REQ = new AtomicInteger(100);

    @TempDir
    static Path root;
    static TestServer s;
    static InetSocketAddress oscAddress;
    static Path importDir;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new ModelClipRenderer(null, root.resolve("models")), 1, 16);
        importDir = Files.createDirectories(root.resolve("import"));
        oscAddress = s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0), Optional.of(importDir))
                .udpAddress().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    static void assertFail(OSCMessage m, String code, String messagePart) {
        assertEquals("/fail", m.getAddress(), m.getArguments().toString());
        assertEquals(code, m.getArguments().get(1), m.getArguments().toString());
        assertTrue(((String) m.getArguments().get(2)).contains(messagePart), m.getArguments().toString());
    }

    @Test
    void loraOnAModelThatIsNotStableAudio3FailsOnTheJobsChannel() throws Exception {
        Path loras = Files.createDirectories(root.resolve("data/loras"));
        Files.write(loras.resolve("style.safetensors"), new byte[8]);
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int req = REQ.incrementAndGet();
            c.send.send("/gen/text", req, "pad", 0.5f, "steps", 2, "lora", "style:0.5");
            assertFail(c.reply("/gen/text", req), "E_BAD_ARG", "Stable Audio 3 models only");
        }
    }

    @Test
    void textClipWithProgressThenInfoListAndFree() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int req = REQ.incrementAndGet();
            c.send.send("/gen/text", req, "dark techno kick", 1.25f, "steps", 2, "seed", 3);
            List<OSCMessage> progress = new ArrayList<>();
            OSCMessage done = c.replies.await(m -> {
                if (m.getAddress().equals("/gen/progress") && m.getArguments().get(0).equals(req)) {
                    progress.add(m);
                }
                return m.getAddress().matches("/done|/fail") && OscTestClient.reqId(m) == req;
            }, WAIT);
            assertNotNull(done);
            List<Object> d = done.getArguments();
            assertEquals("/done", done.getAddress(), d.toString());
            assertEquals(List.of("/gen/text", req), d.subList(0, 2));
            String clipId = (String) d.get(2);
            Path wav = Path.of((String) d.get(3));
            assertTrue(Files.isRegularFile(wav), wav.toString());
            assertEquals((int) Math.round(1.25 * 44100), d.get(4));
            assertEquals(2, d.get(5));
            assertEquals(44100, d.get(6));
            assertEquals(3, d.get(7));
            assertEquals("queued", progress.get(0).getArguments().get(4));
            assertTrue(progress.stream().anyMatch(p -> p.getArguments().get(4).equals("sampling")), progress.toString());
            float last = -1;
            for (OSCMessage p : progress) {
                float f = (Float) p.getArguments().get(1);
                assertTrue(f >= last && f <= 1, "fraction only grows: " + progress);
                last = f;
            }

            c.send.send("/clip/info", clipId);
            OSCMessage info = c.reply("/clip/info");
            assertEquals(List.of("/clip/info", clipId, wav.toString(), (int) Math.round(1.25 * 44100), 2, 44100, 3,
                    "dark techno kick"), info.getArguments());

            c.send.send("/clip/list");
            List<OSCMessage> items = new ArrayList<>();
            OSCMessage end = c.replies.await(m -> {
                if (m.getAddress().equals("/clip/list.item")) {
                    items.add(m);
                }
                return OscTestClient.isDone(m, "/clip/list");
            }, WAIT);
            assertEquals(items.size(), end.getArguments().get(1));
            assertTrue(items.stream().anyMatch(i -> i.getArguments().get(0).equals(clipId)
                    && i.getArguments().get(3).equals("dark techno kick")), items.toString());

            c.send.send("/clip/free", clipId);
            assertEquals(List.of("/clip/free", clipId), c.reply("/clip/free").getArguments());
            assertTrue(Files.notExists(wav));
            c.send.send("/clip/info", clipId);
            assertFail(c.reply("/clip/info"), "E_NOT_FOUND", clipId);
        }
    }

    @Test
    void loopHasExactlyBarsTimesFourBeats() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int req = REQ.incrementAndGet();
            c.send.send("/gen/loop", req, "drums", 150f, 1, "steps", 2);
            OSCMessage done = c.reply("/gen/loop", req);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            assertEquals((int) Math.round(60.0 / 150 * 4 * 44100), done.getArguments().get(4));
        }
    }

    @Test
    void cancellingAQueuedJobFailsItWithCancelled() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int running = REQ.incrementAndGet();
            int queued = REQ.incrementAndGet();
            // One worker: the second job waits behind the first.
            c.send.send("/gen/text", running, "long pad", 3f, "steps", 6);
            c.send.send("/gen/text", queued, "short hit", 1f, "steps", 2);
            c.send.send("/gen/cancel", queued);
            assertEquals(List.of("/gen/cancel", queued), c.reply("/gen/cancel", queued).getArguments());
            assertFail(c.reply("/gen/text", queued), "E_CANCELLED", "cancel");
            assertEquals("/done", c.reply("/gen/text", running).getAddress());

            c.send.send("/gen/cancel", queued);
            assertFail(c.reply("/gen/cancel", queued), "E_NOT_FOUND", Integer.toString(queued));
        }
    }

    @Test
    void badArgumentsFailWithBadArg() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int req = REQ.incrementAndGet();
            c.send.send("/gen/text", req, "no length");
            assertFail(c.reply("/gen/text"), "E_BAD_ARG", "seconds");

            req = REQ.incrementAndGet();
            c.send.send("/gen/preset", req, "no-such-preset");
            assertFail(c.reply("/gen/preset", req), "E_BAD_ARG", "no-such-preset");

            req = REQ.incrementAndGet();
            c.send.send("/gen/loop", req, "too slow", 25f, 1); // in OSC's range, below the engine's 30 bpm
            assertFail(c.reply("/gen/loop", req), "E_BAD_ARG", "bpm");

            req = REQ.incrementAndGet();
            c.send.send("/gen/continue", req, "no-such-clip", "more", 1f);
            assertFail(c.reply("/gen/continue", req), "E_BAD_ARG", "no-such-clip");
        }
    }

    @Test
    void audioPathsOutsideTheServersFoldersAreRefused() throws Exception {
        Path outside = Files.createDirectories(root.resolve("elsewhere")).resolve("secret.wav");
        Files.write(outside, new byte[64]);
        Path link = root.resolve("data").resolve("uploads").resolve("link.wav");
        Files.createSymbolicLink(link, outside);
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            for (String path : List.of(outside.toString(), link.toString(),
                    root.resolve("data/uploads/../../elsewhere/secret.wav").toString(), "relative.wav", "/etc/passwd")) {
                int req = REQ.incrementAndGet();
                c.send.send("/gen/a2a", req, path, "brass", 1f);
                OSCMessage m = c.reply("/gen/a2a", req);
                assertFail(m, "E_BAD_ARG", "");
                String message = (String) m.getArguments().get(2);
                assertTrue(message.contains("outside") || message.contains("absolute") || message.contains("not an uploaded")
                                || message.contains("links are not followed"),
                        path + ": " + message);
            }
        }
    }

    @Test
    void aPathOutsideTheFoldersGetsOneAnswerWhetherItExistsOrNot() throws Exception {
        Path outside = Files.createDirectories(root.resolve("private"));
        Files.write(outside.resolve("there.wav"), new byte[64]);
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            List<String> answers = new ArrayList<>();
            for (String name : List.of("there.wav", "missing.wav")) {
                String path = outside.resolve(name).toString();
                int req = REQ.incrementAndGet();
                c.send.send("/gen/a2a", req, path, "brass", 1f);
                OSCMessage m = c.reply("/gen/a2a", req);
                assertFail(m, "E_BAD_ARG", "outside the server's folders");
                answers.add(((String) m.getArguments().get(2)).replace(path, "PATH"));
            }
            assertEquals(answers.get(0), answers.get(1));
        }
    }

    @Test
    void linksInsideTheFoldersAreNotFollowed() throws Exception {
        Path real = importDir.resolve("real.wav");
        Files.write(real, new byte[64]);
        Path link = importDir.resolve("link.wav");
        Files.createSymbolicLink(link, real);
        Path linkedFolder = importDir.resolve("linked");
        Files.createSymbolicLink(linkedFolder, importDir);
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            for (Path p : List.of(link, linkedFolder.resolve("real.wav"))) {
                int req = REQ.incrementAndGet();
                c.send.send("/gen/a2a", req, p.toString(), "brass", 1f);
                assertFail(c.reply("/gen/a2a", req), "E_BAD_ARG", "links are not followed");
            }
        }
    }

    @Test
    void anImportedFileAndAClipFileAreAcceptedAsInputAudio() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            int req = REQ.incrementAndGet();
            c.send.send("/gen/text", req, "kick", 1f, "steps", 2, "seed", 1);
            OSCMessage made = c.reply("/gen/text", req);
            Path source = importDir.resolve("take.wav");
            Files.copy(Path.of((String) made.getArguments().get(3)), source);
            req = REQ.incrementAndGet();
            c.send.send("/gen/a2a", req, source.toString(), "brass", 1f, "steps", 2, "strength", 0.7f);
            OSCMessage done = c.reply("/gen/a2a", req);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            assertEquals(44100, done.getArguments().get(4));

            // A clip's own file is inside the server's folders too; inpainting keeps its length.
            req = REQ.incrementAndGet();
            c.send.send("/gen/inpaint", req, done.getArguments().get(3), "snare fill", 0.25f, 0.75f, "steps", 2);
            OSCMessage inpainted = c.reply("/gen/inpaint", req);
            assertEquals("/done", inpainted.getAddress(), inpainted.getArguments().toString());
            assertEquals(44100, inpainted.getArguments().get(4));
        }
    }

    /**
     * /gen/a2a takes initNoiseLevel, the name HTTP and the CLI use, and still takes its old name strength: the same
     * number under either name makes the same clip and is recorded as initNoiseLevel; strength 0 is read as 0.001;
     * both at once is refused.
     */
    @Test
    void initNoiseLevelAndItsOldNameStrength() throws Exception {
        Path take = SineTake.write(importDir.resolve("noise-take.wav"), 1.0);
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT)) {
            List<OSCMessage> done = new ArrayList<>();
            for (Object[] option : List.of(new Object[]{"initNoiseLevel", 0.5f}, new Object[]{"strength", 0.5f},
                    new Object[]{"strength", 0f})) {
                int req = REQ.incrementAndGet();
                c.send.send("/gen/a2a", req, take.toString(), "brass", 1f, "steps", 2, "seed", 5, option[0], option[1]);
                OSCMessage m = c.reply("/gen/a2a", req);
                assertEquals("/done", m.getAddress(), m.getArguments().toString());
                done.add(m);
            }
            double[] recorded = new double[done.size()];
            for (int i = 0; i < done.size(); i++) {
                JsonNode meta = TestServer.json(s.get("/v1/clips/" + done.get(i).getArguments().get(2) + "/meta"));
                recorded[i] = meta.get("settings").get("initNoiseLevel").asDouble();
            }
            assertArrayEquals(new double[]{0.5, 0.5, 0.001}, recorded, 0);
            assertArrayEquals(Files.readAllBytes(Path.of((String) done.get(0).getArguments().get(3))),
                    Files.readAllBytes(Path.of((String) done.get(1).getArguments().get(3))), "the same clip under either name");

            int req = REQ.incrementAndGet();
            c.send.send("/gen/a2a", req, take.toString(), "brass", 1f, "initNoiseLevel", 0.5f, "strength", 0.5f);
            assertFail(c.reply("/gen/a2a", req), "E_BAD_ARG", "not both");
        }
    }

    @Test
    void statusPresetsAndLoadIntoScsynth() throws Exception {
        try (OscTestClient c = new OscTestClient(oscAddress, WAIT); OscClient scsynth = OscClient.udp(oscAddress)) {
            c.send.send("/status");
            OSCMessage st = c.replies.await("/status.reply", WAIT);
            assertNotNull(st);
            List<Object> a = st.getArguments();
            assertTrue((Integer) a.get(0) >= 0, a.toString());
            assertEquals(s.server.engine().models().get(0).id(), a.get(1));
            assertEquals(s.server.engine().models().get(0).device(), a.get(2));
            assertTrue((Float) a.get(3) >= 0 && (Float) a.get(3) <= 1, a.toString());

            c.send.send("/preset/list");
            List<OSCMessage> presets = new ArrayList<>();
            OSCMessage end = c.replies.await(m -> {
                if (m.getAddress().equals("/preset/list.item")) {
                    presets.add(m);
                }
                return OscTestClient.isDone(m, "/preset/list");
            }, WAIT);
            assertEquals(presets.size(), end.getArguments().get(1));
            assertTrue(presets.size() > 0);

            int req = REQ.incrementAndGet();
            c.send.send("/gen/sfx", req, "door slam", 0.5f, "steps", 2);
            OSCMessage made = c.reply("/gen/sfx", req);
            String clipId = (String) made.getArguments().get(2);
            // scsynth stands in here: a socket that receives what the server sends it.
            c.send.send("/clip/load_sc", clipId, 7, "127.0.0.1", scsynth.localPort());
            assertEquals(List.of("/clip/load_sc", clipId, 7), c.reply("/clip/load_sc").getArguments());
            OSCMessage alloc = scsynth.await("/b_allocRead", Duration.ofSeconds(5));
            assertNotNull(alloc);
            assertEquals(List.of(7, made.getArguments().get(3)), alloc.getArguments());

            // Not to other hosts (192.0.2.1 is a documentation address), and never through a name lookup.
            c.send.send("/clip/load_sc", clipId, 8, "192.0.2.1", 57110);
            assertFail(c.reply("/clip/load_sc"), "E_BAD_ARG", "must be this machine (loopback) or your own address");
            for (String host : List.of("999.999.999.999", "scsynth.example")) {
                c.send.send("/clip/load_sc", clipId, 8, host, scsynth.localPort());
                assertFail(c.reply("/clip/load_sc"), "E_BAD_ARG", "must be an IP address literal");
            }
            assertNull(scsynth.await("/b_allocRead", Duration.ofMillis(300)));
        }
    }

    @Test
    void oscQueryServesTheNamespaceAndHostInfo() throws Exception {
        JsonNode ns = TestServer.json(s.get("/v1/oscquery"));
        assertEquals("/gen/text", ns.at("/CONTENTS/gen/CONTENTS/text/FULL_PATH").asText(), ns.toString());
        JsonNode info = TestServer.json(s.get("/v1/oscquery?HOST_INFO"));
        assertEquals(oscAddress.getPort(), info.get("OSC_PORT").asInt());
        assertEquals("UDP", info.get("OSC_TRANSPORT").asText());
    }
}
