package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server with the real model runtime on the embedded tiny model: clips made over HTTP in every mode
 * come back as WAVs of exactly the asked length, with the model's fingerprint in their metadata.
 */
class ModelRendererHttpTest {

    @TempDir
    static Path root;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new ModelClipRenderer(null, root.resolve("models")), 1, 16);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static String run(String json) throws Exception {
        HttpResponse<String> r = s.postJob(json);
        assertEquals(202, r.statusCode(), r.body());
        String id = TestServer.json(r).get("id").asText();
        JsonNode job = s.awaitJob(id, Duration.ofSeconds(120));
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        return id;
    }

    private static WavReader.Audio clip(String id) throws Exception {
        HttpResponse<byte[]> r = s.http.send(s.request("/v1/clips/" + id).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return WavReader.decode(ByteBuffer.wrap(r.body()), id);
    }

    @Test
    void textLoopStyleTransferAndContinuationHaveExactLengths() throws Exception {
        String text = run("{\"mode\":\"text\",\"prompt\":\"dark techno kick\",\"seconds\":1.25,\"steps\":2,\"seed\":3}");
        WavReader.Audio a = clip(text);
        assertEquals(44100, a.sampleRate());
        assertEquals(Math.round(1.25 * 44100), a.frames());
        JsonNode meta = TestServer.json(s.get("/v1/clips/" + text + "/meta"));
        assertTrue(meta.get("modelHash").asText().startsWith("sha256:"), meta.toString());

        String loop = run("{\"mode\":\"loop\",\"prompt\":\"drums\",\"bpm\":150,\"bars\":1,\"steps\":2,\"seed\":3}");
        assertEquals(Math.round(60.0 / 150 * 4 * 44100), clip(loop).frames());

        byte[] wav = s.http.send(s.request("/v1/clips/" + text).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        HttpResponse<String> up = s.send(s.write("/v1/uploads").header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build());
        assertEquals(201, up.statusCode(), up.body());
        String upload = TestServer.json(up).get("id").asText();
        String a2a = run("{\"mode\":\"audio_to_audio\",\"prompt\":\"brass\",\"seconds\":1.25,\"steps\":2,\"seed\":4,"
                + "\"initAudio\":{\"upload\":\"" + upload + "\"},\"initNoiseLevel\":1.5}");
        assertEquals(a.frames(), clip(a2a).frames());

        String cont = run("{\"mode\":\"continue\",\"prompt\":\"more\",\"seconds\":0.5,\"steps\":2,\"seed\":5,"
                + "\"initAudio\":{\"clip\":\"" + text + "\"}}");
        WavReader.Audio c = clip(cont);
        assertEquals(Math.round(1.75 * 44100), c.frames());
    }
}
