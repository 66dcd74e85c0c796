package dev.longplay.server.jack;

import dev.longplay.server.live.AudioControl;
import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /play}, {@code /stop}, {@code /clock} and {@code /play/end} over OSC against a server that is a real JACK
 * client: the replies, the errors, and that OSC's timing options become sample-exact starts (the player's end event
 * tells the frame a one-shot started at: end minus length).
 */
class OscPlaybackTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void withoutJackPlaybackCommandsFailWithNoAudio() throws Exception {
        try (TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 8);
             AudioControl audio = s.server.startAudio(null);
             OscTestClient osc = osc(s)) {
            osc.send.send("/play", "p", "someclip");
            assertFail(osc.reply("/play"), "E_NO_AUDIO");
            osc.send.send("/clock");
            assertFail(osc.reply("/clock"), "E_NO_AUDIO");
        }
    }

    @Test
    void playStopClockAndEndsOverOsc() throws Exception {
        try (JackServerHarness jackd = JackServerHarness.start(512);
             TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 8);
             OscTestClient osc = osc(s);
             AudioControl audio = s.server.startAudio(new JackPlayerClient.Config("lp-osc", jackd.name, 2, 120))) {
            assertTrue(audio.jackAvailable());
            LinkedBlockingQueue<PlayEnded> ends = new LinkedBlockingQueue<>();
            audio.addPlayEndListener(ends::add, () -> { });
            String clip = renderClip(s);

            osc.send.send("/clock");
            OSCMessage clock = osc.await(m -> m.getAddress().equals("/clock.reply"), "/clock.reply");
            assertEquals(List.of(120f, "internal", 48_000), clock.getArguments().subList(1, 4));
            assertTrue((Float) clock.getArguments().get(0) >= 0, "the internal clock runs");

            // A one-shot now: /done with its voice and length at the JACK rate, then /play/end when it ran out.
            osc.send.send("/play", "one", clip, "gain", 0.5f);
            assertEquals(List.of("/play", "one", 0, 48_000, 48_000), osc.reply("/play").getArguments());
            OSCMessage end = osc.await(m -> m.getAddress().equals("/play/end"), "/play/end");
            assertEquals(List.of("one", clip, "finished", 0), end.getArguments());
            ends.poll(5, TimeUnit.SECONDS);

            // A loop runs until /stop.
            osc.send.send("/play", "lp", clip, "loop", 1);
            assertEquals("/done", osc.reply("/play").getAddress());
            osc.send.send("/stop", "lp");
            assertEquals(List.of("/stop", "lp"), osc.reply("/stop").getArguments());
            assertEquals(List.of("lp", clip, "stopped", 0), osc.await(m -> m.getAddress().equals("/play/end"), "/play/end").getArguments());
            ends.poll(5, TimeUnit.SECONDS);

            osc.send.send("/stop", "lp");
            assertFail(osc.reply("/stop"), "E_NOT_FOUND");
            osc.send.send("/play", "x", "no-such-clip");
            assertFail(osc.reply("/play"), "E_NOT_FOUND");
            osc.send.send("/play", "x", clip, "mode", "backwards");
            assertFail(osc.reply("/play"), "E_BAD_ARG");
            osc.send.send("/play", "bad id!", clip);
            assertFail(osc.reply("/play"), "E_BAD_ARG");
            osc.send.send("/play", "x", clip, "mode", "gate");
            assertFail(osc.reply("/play"), "E_BAD_ARG");

            // atBeat goes to the player as a beat: the start frame is exactly where the clock puts that beat.
            ClockPosition now = audio.clock();
            double beat = Math.floor(now.beat()) + 2;
            long expectedStart = (now.frame() + Math.round((beat - now.beat()) * 24_000)) & 0xFFFF_FFFFL;
            osc.send.send("/play", "beat", clip, "atBeat", (float) beat);
            assertEquals("/done", osc.reply("/play").getAddress());
            PlayEnded beatEnd = ends.poll(5, TimeUnit.SECONDS);
            assertNotNull(beatEnd);
            assertEquals("finished", beatEnd.reason());
            assertEquals(expectedStart, (beatEnd.frame() - 48_000) & 0xFFFF_FFFFL, 1, "start frame of the beat-timed clip");
            osc.await(m -> m.getAddress().equals("/play/end"), "/play/end");

            // A bundle's timetag becomes a frame time when the bundle arrives, not a delayed dispatch.
            long frameNow = audio.frameAt(java.time.Instant.now());
            osc.send.sendBundle(java.time.Instant.now().plusMillis(500), new OSCMessage("/play", List.of("tt", clip)));
            OSCMessage accepted = osc.reply("/play");
            assertEquals("/done", accepted.getAddress());
            PlayEnded ttEnd = ends.poll(5, TimeUnit.SECONDS);
            assertNotNull(ttEnd);
            long started = (ttEnd.frame() - 48_000 - frameNow) & 0xFFFF_FFFFL;
            assertEquals(24_000, started, 2_400, "a start 0.5 s after the bundle was sent (within 50 ms of clock mapping)");
        }
    }

    @Test
    void aPluginHostsTransportDrivesTheClock() throws Exception {
        try (JackServerHarness jackd = JackServerHarness.start(512);
             TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 8);
             AudioControl audio = s.server.startAudio(new JackPlayerClient.Config("lp-host", jackd.name, 1, 120))) {
            String id = "host-" + ProcessHandle.current().pid();
            assertEquals(201, AudioHttpTest.post(s, "/v1/bridge/attach", "{\"instanceId\":\"" + id + "\",\"sampleRate\":48000}").statusCode());
            try {
                assertEquals(200, AudioHttpTest.post(s, "/v1/bridge/" + id + "/transport",
                        "{\"tempo\":93,\"ppq\":64.0,\"playing\":true}").statusCode());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                JsonNode clock = TestServer.json(s.get("/v1/play/clock"));
                while (!"host".equals(clock.get("source").asText()) || clock.get("beat").isNull()) {
                    assertTrue(System.nanoTime() < deadline, "the clock did not follow the host: " + clock);
                    Thread.sleep(20);
                    clock = TestServer.json(s.get("/v1/play/clock"));
                }
                assertEquals(93, clock.get("bpm").asDouble());
                // The clock answers for the start of the current period, which may precede the frame the transport
                // arrived at by up to one period (512 frames here).
                double onePeriod = 512.0 / clock.get("sampleRate").asDouble() * 93 / 60;
                double beat = clock.get("beat").asDouble();
                assertTrue(beat >= 64 - onePeriod && beat < 66, clock.toString());
            } finally {
                s.send(s.write("/v1/bridge/" + id).DELETE().build());
            }
        }
    }

    static String renderClip(TestServer s) throws Exception {
        HttpResponse<String> job = s.postJob("{\"prompt\":\"test tone\",\"seconds\":1}");
        assertEquals(202, job.statusCode(), job.body());
        return s.awaitJob(TestServer.json(job).get("id").asText(), Duration.ofSeconds(20)).get("clipId").asText();
    }

    static void assertFail(OSCMessage m, String code) {
        assertEquals("/fail", m.getAddress(), m.getArguments().toString());
        assertEquals(code, m.getArguments().get(1), m.getArguments().toString());
    }

    static OscTestClient osc(TestServer s) throws Exception {
        return new OscTestClient(s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0), Optional.empty())
                .udpAddress().orElseThrow(), WAIT);
    }
}
