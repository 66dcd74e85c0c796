package dev.longplay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.jobs.CancellationCheck;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.LoraChoice;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.clips.RenderedClip;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA adapters over HTTP and OSC: listed from the LoRA folder, named in jobs, checked before a job is queued. */
class LoraJobsTest {

    @TempDir
    static Path root;
    static TestServer s;
    static final Map<String, List<LoraChoice>> seen = new ConcurrentHashMap<>();

    /** The sine renderer, noting the adapters each request reached the renderer with. */
    static final class Recording implements ClipRenderer {
        final SineRenderer sine = new SineRenderer(2, 1, 0.5f);

        @Override
        public List<ServedModel> models() {
            return sine.models();
        }

        @Override
        public void load(String modelId, ProgressListener progress) {
            sine.load(modelId, progress);
        }

        @Override
        public RenderedClip render(GenerationRequest r, ProgressListener p, CancellationCheck c) throws RenderException {
            seen.put(r.prompt(), r.loras());
            return sine.render(r, p, c);
        }

        @Override
        public void close() {
            sine.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path loras = Files.createDirectories(root.resolve("data/loras"));
        Files.write(loras.resolve("tape-warmth.safetensors"), new byte[16]);
        Files.write(loras.resolve("strings.safetensors"), new byte[8]);
        Files.write(root.resolve("outside.safetensors"), new byte[8]);
        s = TestServer.start(root, new Recording(), 1, 16);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void theFolderIsListed() throws Exception {
        JsonNode list = TestServer.json(s.get("/v1/loras")).get("loras");
        assertEquals(2, list.size(), list.toString());
        assertEquals("strings.safetensors", list.get(0).get("name").asText());
        assertEquals(16, list.get(1).get("bytes").asLong());
    }

    @Test
    void namedAdaptersReachTheRendererInOrderWithTheirStrengths() throws Exception {
        HttpResponse<String> r = s.postJob("{\"prompt\":\"http pad\",\"seconds\":0.2,\"seed\":3,"
                + "\"loras\":[{\"name\":\"tape-warmth\",\"strength\":0.6},{\"name\":\"strings.safetensors\"}]}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode done = s.awaitJob(TestServer.json(r).get("id").asText(), Duration.ofSeconds(10));
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        List<LoraChoice> got = seen.get("http pad");
        assertEquals(List.of("tape-warmth.safetensors", "strings.safetensors"), got.stream().map(LoraChoice::name).toList());
        assertEquals(List.of(0.6, 1.0), got.stream().map(LoraChoice::strength).toList());
        assertEquals(root.resolve("data/loras/tape-warmth.safetensors").toAbsolutePath().normalize(), got.get(0).file());
    }

    @Test
    void badAdaptersAreRefusedWithTheFieldNamed() throws Exception {
        for (String loras : List.of("[{\"name\":\"missing\"}]", "[{\"name\":\"../outside\"}]",
                "[{\"name\":\"strings\",\"strength\":12}]", "[{\"strength\":1}]",
                "[" + String.join(",", java.util.Collections.nCopies(9, "{\"name\":\"strings\"}")) + "]")) {
            HttpResponse<String> r = s.postJob("{\"prompt\":\"pad\",\"seconds\":0.2,\"loras\":" + loras + "}");
            assertEquals(400, r.statusCode(), loras + " -> " + r.body());
            assertTrue(r.body().toLowerCase().contains("lora"), r.body());
        }
    }

    @Test
    void oscNamesAdaptersWithStrengths() throws Exception {
        InetSocketAddress address = s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0), Optional.empty())
                .udpAddress().orElseThrow();
        try (OscTestClient osc = new OscTestClient(address, Duration.ofSeconds(10))) {
            osc.send.send("/gen/text", 7, "osc pad", 0.2f, "seed", 5, "lora", "strings:0.25,tape-warmth");
            OSCMessage done = osc.reply("/gen/text", 7);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            osc.send.send("/gen/text", 8, "pad", 0.2f, "lora", "strings:loud");
            OSCMessage bad = osc.reply("/gen/text", 8);
            assertEquals("/fail", bad.getAddress());
            assertTrue(bad.getArguments().toString().contains("lora"), bad.getArguments().toString());
            osc.send.send("/gen/text", 9, "pad", 0.2f, "lora", "../outside");
            OSCMessage outside = osc.reply("/gen/text", 9);
            assertEquals("/fail", outside.getAddress());
            assertTrue(outside.getArguments().toString().contains("loras:"), outside.getArguments().toString());
        }
        List<LoraChoice> got = seen.get("osc pad");
        assertEquals(List.of("strings.safetensors", "tape-warmth.safetensors"), got.stream().map(LoraChoice::name).toList());
        assertEquals(List.of(0.25, 1.0), got.stream().map(LoraChoice::strength).toList());
    }
}
