package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
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

    @RegisterExtension
    static final DefaultModelServer.PerClass SERVER = new DefaultModelServer.PerClass();

    private static JsonNode job(String sampler) throws Exception {
        HttpResponse<String> posted = SERVER.http().postJob("{\"prompt\":\"soft pluck\",\"seconds\":0.5,\"steps\":3,\"seed\":8,"
                + "\"sampler\":\"" + sampler + "\"}");
        assertEquals(202, posted.statusCode(), posted.body());
        return SERVER.http().awaitJob(TestServer.json(posted).get("id").asText(), WAIT);
    }

    private static float[] clip(JsonNode job) throws Exception {
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        String id = job.get("id").asText();
        HttpResponse<byte[]> wav = SERVER.http().http.send(SERVER.http().request("/v1/clips/" + id).GET().build(),
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
        try (OscTestClient c = new OscTestClient(SERVER.osc(), WAIT)) {
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
