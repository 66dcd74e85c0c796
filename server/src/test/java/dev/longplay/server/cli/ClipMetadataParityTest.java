package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.TestServer;
import dev.longplay.server.io.Json;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's sidecar next to a clip and the server's clip metadata are written by one writer: the same request on
 * the embedded tiny model, once through {@code longplay generate} and once through {@code POST /v1/jobs}, gives two
 * JSON documents with the same keys at every level (the audio's measures and the renderer's facts included) and the
 * same settings, seed and model hash.
 */
class ClipMetadataParityTest {

    @TempDir
    Path dir;

    @Test
    void cliSidecarAndServerClipMetadataHaveTheSameFields() throws Exception {
        Path wav = dir.resolve("cli/pad.wav");
        ScoreCommandTest.Run run = ScoreCommandTest.run("generate", "--model", "longplay-tiny-random-v1",
                "--prompt", "warm pad", "--negative", "hiss", "--seconds", "0.5", "--steps", "2", "--seed", "21",
                "--quiet", "-o", wav.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.isRegularFile(wav));
        JsonNode cli = Json.MAPPER.readTree(dir.resolve("cli/pad.json").toFile());

        JsonNode server;
        try (TestServer s = TestServer.start(dir.resolve("server"),
                new ModelClipRenderer(null, dir.resolve("server/models")), 1, 4)) {
            HttpResponse<String> posted = s.postJob("{\"mode\":\"text\",\"prompt\":\"warm pad\",\"negativePrompt\":\"hiss\","
                    + "\"seconds\":0.5,\"steps\":2,\"seed\":21,\"priority\":\"batch\"}");
            assertEquals(202, posted.statusCode(), posted.body());
            String id = TestServer.json(posted).get("id").asText();
            JsonNode job = s.awaitJob(id, Duration.ofSeconds(120));
            assertEquals("succeeded", job.get("state").asText(), job.toString());
            server = TestServer.json(s.get("/v1/clips/" + id + "/meta"));
            assertEquals(id, server.get("id").asText());
            assertEquals(id, server.get("jobId").asText());
        }

        assertEquals(keys(server, ""), keys(cli, ""), "the same keys at every level");
        for (String same : List.of("mode", "prompt", "negativePrompt", "preset", "seed", "model", "modelHash", "settings",
                "attempts")) {
            assertEquals(server.get(same), cli.get(same), same);
        }
        assertTrue(cli.get("id").isNull(), "a CLI clip is no job: " + cli.get("id"));
        assertEquals(0, cli.get("timings").get("queuedMs").asLong());
        assertTrue(cli.get("timings").get("renderMs").asLong() > 0, cli.get("timings").toString());
        assertEquals(server.get("audio").get("frames"), cli.get("audio").get("frames"));
        assertFalse(cli.has("scores"), "no scorer, no scores section");
    }

    // every key path below node (array items: the keys of their objects, under [])
    private static List<String> keys(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                out.add(at + "/" + name);
                out.addAll(keys(node.get(name), at + "/" + name));
            });
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                out.addAll(keys(item, at + "[]"));
            }
        }
        out.sort(null);
        return out;
    }
}
