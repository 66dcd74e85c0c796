package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.sa3.TinySa3Model;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * LoRA adapters per job through the real server on a tiny Stable Audio 3 checkpoint (DiT + SAME-S): strength 0 is
 * the plain model to the sample, strength 1 changes the clip, and dropping the adapter restores the model.
 */
class Sa3LoraServerTest {

    @TempDir
    static Path root;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        Path model = TinySa3Model.writeWithSame(root.resolve("tiny-sa3"));
        Path loras = Files.createDirectories(root.resolve("data/loras"));
        Files.copy(GoldenDirs.own().resolve("sa3_dit_lora/lora_0.safetensors"), loras.resolve("lora_0.safetensors"));
        s = TestServer.start(root, new ModelClipRenderer(model.toString(), root.resolve("cache")), 1, 8);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static float[][] render(String loras) throws Exception {
        HttpResponse<String> r = s.postJob("{\"prompt\":\"dark synth\",\"seconds\":1,\"seed\":21,\"format\":\"wav32f\""
                + (loras == null ? "" : ",\"loras\":" + loras) + "}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode done = s.awaitJob(TestServer.json(r).get("id").asText(), Duration.ofSeconds(120));
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        String clip = done.get("clipId").asText();
        JsonNode meta = TestServer.json(s.get("/v1/clips/" + clip + "/meta"));
        if (loras != null) {
            assertEquals("lora_0.safetensors", meta.path("renderer").path("loras").path(0).path("name").asText(), meta.toString());
        }
        return WavReader.read(s.server.clips().get(clip).orElseThrow().audio()).samples();
    }

    @Test
    void adaptersChangeTheClipAndStrengthZeroIsThePlainModel() throws Exception {
        float[][] plain = render(null);
        float[][] zero = render("[{\"name\":\"lora_0\",\"strength\":0}]");
        assertArrayEquals(plain[0], zero[0], "strength 0 must leave the model as it is");
        float[][] full = render("[{\"name\":\"lora_0\",\"strength\":1}]");
        assertFalse(java.util.Arrays.equals(plain[0], full[0]), "the adapter changed nothing");
        assertArrayEquals(plain[0], render(null)[0], "a job without adapters gets the plain model back");
    }
}
