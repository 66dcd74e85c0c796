package dev.longplay.server.presets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.metrics.ClipMeasures;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A preset's loudness target through the server: the written clip measures the target (−14 LUFS) when its true peak
 * allows, stops at the ceiling when it does not, and the clip's metadata carries the measures and the gain.
 */
class LoudnessPresetTest {

    @TempDir
    Path root;

    private static JsonNode render(TestServer s, String preset) throws Exception {
        HttpResponse<String> r = s.postJob("{\"preset\":\"" + preset + "\",\"prompt\":\"tone\",\"seconds\":4}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode job = s.awaitJob(TestServer.json(r).get("id").asText(), Duration.ofSeconds(30));
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        return job;
    }

    private static ClipMeasures measureFile(TestServer s, String clipId) throws Exception {
        Path wav = s.server.clips().get(clipId).orElseThrow().audio();
        WavReader.Audio a = WavReader.read(wav);
        return ClipMeasures.of(a.samples(), a.sampleRate());
    }

    @Test
    void clipsMeetTheTargetOrStopAtTheCeiling() throws Exception {
        Path presets = Files.createDirectories(root.resolve("data/presets"));
        Files.writeString(presets.resolve("streaming.json"), """
                {"name": "streaming", "description": "at -14 LUFS", "category": "pads", "mode": "text", "prompt": "{prompt}", "seconds": 4,
                 "loudness": {"targetLufs": -14, "truePeakCeilingDb": -1}}""");
        Files.writeString(presets.resolve("too-loud.json"), """
                {"name": "too-loud", "description": "a target the ceiling stops", "category": "pads", "mode": "text", "prompt": "{prompt}", "seconds": 4,
                 "loudness": {"targetLufs": -3, "truePeakCeilingDb": -6}}""");
        Files.writeString(presets.resolve("bad-target.json"), """
                {"name": "bad-target", "description": "no", "mode": "text", "prompt": "{prompt}", "seconds": 4,
                 "loudness": {"targetLufs": 5, "truePeakCeilingDb": -1}}""");
        try (TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.9f), 1, 8)) {
            String clip = render(s, "streaming").get("clipId").asText();
            ClipMeasures m = measureFile(s, clip);
            assertEquals(-14, m.integratedLufs(), 0.1, "the written clip's loudness");
            JsonNode meta = TestServer.json(s.get("/v1/clips/" + clip + "/meta"));
            assertEquals(-14, meta.get("audio").get("measures").get("integratedLufs").asDouble(), 0.1);
            assertEquals(m.truePeakDbtp(), meta.get("audio").get("measures").get("truePeakDbtp").asDouble(), 0.05);
            assertTrue(meta.get("loudnessTarget").get("gainDb").asDouble() < 0, meta.toString());

            ClipMeasures capped = measureFile(s, render(s, "too-loud").get("clipId").asText());
            assertEquals(-6, capped.truePeakDbtp(), 0.1, "the true-peak ceiling bounds the gain");
            assertTrue(capped.integratedLufs() < -3.5, "so the clip stays below the target: " + capped.integratedLufs());

            HttpResponse<String> bad = s.postJob("{\"preset\":\"bad-target\",\"prompt\":\"tone\"}");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("no preset named"), "a preset with an impossible target is skipped at load: " + bad.body());
        }
    }
}
