package dev.longplay.server.security;

import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.Mode;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding E: a clip whose WAV was replaced by a symbolic link was refused by GET but followed by audio-to-audio.
 * Every reader of a stored clip now opens it without following links.
 */
class ClipSymlinkTest {

    @TempDir
    Path root;

    @Test
    void aClipReplacedByALinkIsRefusedByEveryReader() throws Exception {
        byte[] whole = java.util.Arrays.copyOf(UploadMemoryTest.header(4096), 4096); // header and 4052 bytes of silence
        Path secret = Files.write(root.resolve("secret.wav"), whole); // a whole WAV outside the folders
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            var job = s.postJob("{\"prompt\":\"x\",\"seconds\":0.1,\"seed\":5}");
            String id = TestServer.json(job).get("id").asText();
            assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(20)).get("state").asText());
            Path wav = root.resolve("data/clips/" + id + ".wav");
            assertTrue(Files.isRegularFile(wav));
            // Control: the untouched clip is good init audio.
            assertEquals(202, s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"x\",\"initAudio\":{\"clip\":\"" + id + "\"}}").statusCode());

            Files.delete(wav);
            Files.createSymbolicLink(wav, secret);

            assertEquals(404, s.get("/v1/clips/" + id).statusCode());
            var a2a = s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"x\",\"initAudio\":{\"clip\":\"" + id + "\"}}");
            assertEquals(400, a2a.statusCode(), a2a.body());
            assertEquals("invalid_argument", TestServer.json(a2a).get("code").asText());
            assertTrue(TestServer.json(a2a).get("message").asText().contains("not a plain file"), a2a.body());
            assertFalse(a2a.body().contains(secret.toString()), a2a.body());

            // The renderer's own read (a link swapped in after the job was queued) refuses it too.
            GenerationRequest queued = GenerationRequest.builder().mode(Mode.AUDIO_TO_AUDIO).prompt("x").seconds(1.0)
                    .seed(1L).steps(4).initAudio(wav).initNoiseLevel(2.0).priority(Priority.LIVE)
                    .format(OutputFormat.WAV_PCM24).build();
            RenderException e = assertThrows(RenderException.class, () -> ModelClipRenderer.toParams(queued));
            assertEquals(RenderException.Kind.BAD_ARGUMENT, e.kind());
            // Control: the same read of a plain file works.
            GenerationRequest plain = GenerationRequest.builder().mode(Mode.AUDIO_TO_AUDIO).prompt("x").seconds(1.0)
                    .seed(1L).steps(4).initAudio(secret).initNoiseLevel(2.0).priority(Priority.LIVE)
                    .format(OutputFormat.WAV_PCM24).build();
            assertTrue(ModelClipRenderer.toParams(plain) != null);
        }
    }
}
