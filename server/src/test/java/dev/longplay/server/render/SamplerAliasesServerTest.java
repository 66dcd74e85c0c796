package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler names over HTTP and OSC on the default model (v-objective): the old name {@code euler} is still
 * accepted and is {@code k-euler}, the same audio for the same seed; a rectified-flow sampler is refused on the
 * request's own channel naming the samplers that fit.
 */
class SamplerAliasesServerTest {

    static final Duration WAIT = Duration.ofSeconds(300);

    @TempDir
    static Path root;
    static DefaultModelServer server;
    static TestServer s;
    static InetSocketAddress osc;

    @BeforeAll
    static void start() throws Exception {
        server = DefaultModelServer.start(root);
        s = server.http();
        osc = server.osc();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JsonNode job(String sampler) throws Exception {
        HttpResponse<String> posted = s.postJob("{\"prompt\":\"soft pluck\",\"seconds\":0.5,\"steps\":3,\"seed\":8,"
                + "\"sampler\":\"" + sampler + "\"}");
        assertEquals(202, posted.statusCode(), posted.body());
        return s.awaitJob(TestServer.json(posted).get("id").asText(), WAIT);
    }

    private static float[] clip(JsonNode job) throws Exception {
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        String id = job.get("id").asText();
        HttpResponse<byte[]> wav = s.http.send(s.request("/v1/clips/" + id).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return WavReader.decode(ByteBuffer.wrap(wav.body()), id).samples()[0];
    }

    @Test
    void overHttpEulerIsStillAcceptedAndIsKEuler() throws Exception {
        assertArrayEquals(clip(job("k-euler")), clip(job("euler")));
        JsonNode refused = job("rf-euler");
        assertEquals("failed", refused.get("state").asText(), refused.toString());
        String message = refused.at("/error/message").asText();
        assertTrue(message.contains("does not fit") && message.contains("k-euler"), refused.toString());
    }

    @Test
    void overOscEulerIsStillAcceptedAndAnotherKindIsRefused() throws Exception {
        try (OscTestClient c = new OscTestClient(osc, WAIT)) {
            c.send.send("/gen/text", 21, "soft pluck", 0.5f, "seed", 8, "steps", 3, "sampler", "euler");
            OSCMessage done = c.reply("/gen/text", 21);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            c.send.send("/gen/text", 22, "soft pluck", 0.5f, "seed", 8, "steps", 3, "sampler", "pingpong");
            OSCMessage fail = c.reply("/gen/text", 22);
            assertEquals("/fail", fail.getAddress(), fail.getArguments().toString());
            assertEquals("E_BAD_ARG", fail.getArguments().get(1), fail.getArguments().toString());
            assertTrue(((String) fail.getArguments().get(2)).contains("does not fit"), fail.getArguments().toString());
        }
    }
}
