package dev.longplay.server.render;

import dev.longplay.server.audio.AudioTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FLAC, AIFF, MP3, Ogg (Vorbis and Opus) takes as style-transfer input over HTTP uploads and OSC paths, against a
 * running server with the real tiny model; damaged uploads refused with a clear 400; clips downloaded as FLAC.
 */
class AudioFileInputTest {
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path root;
    static TestServer s;
    static InetSocketAddress osc;
    static Path importDir;
    static Path take;

    /** Each format with the content type a browser or curl would send for it. */
    static final Map<String, String> TYPES = Map.of("flac", "audio/flac", "aiff", "audio/aiff", "mp3", "audio/mpeg",
            "ogg", "audio/ogg", "opus", "audio/ogg");

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(AudioTools.installed("sox") && AudioTools.installed("ffmpeg"), "sox and ffmpeg are not installed");
        s = TestServer.start(root, new ModelClipRenderer(null, root.resolve("models")), 1, 16);
        importDir = Files.createDirectories(root.resolve("import"));
        osc = s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0), Optional.of(importDir))
                .udpAddress().orElseThrow();
        take = root.resolve("take.wav");
        AudioTools.run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", take.toString(), "synth", "1", "sine", "220",
                "sine", "330", "gain", "-6");
        for (String ext : List.of("flac", "aiff", "mp3", "ogg")) {
            AudioTools.run("sox", take.toString(), importDir.resolve("take." + ext).toString());
        }
        AudioTools.run("ffmpeg", "-v", "error", "-i", take.toString(), "-c:a", "libopus", importDir.resolve("take.opus").toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    private static HttpResponse<String> upload(byte[] body, String type) throws Exception {
        return s.send(s.write("/v1/uploads").header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static String a2a(String upload) throws Exception {
        HttpResponse<String> r = s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"brass\",\"seconds\":1,\"steps\":2,"
                + "\"seed\":9,\"initAudio\":{\"upload\":\"" + upload + "\"},\"initNoiseLevel\":1.5}");
        assertEquals(202, r.statusCode(), r.body());
        String id = TestServer.json(r).get("id").asText();
        JsonNode job = s.awaitJob(id, WAIT);
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        return job.get("clipId") != null ? job.get("clipId").asText() : id;
    }

    private static HttpResponse<byte[]> download(String clip, String query, String accept) throws Exception {
        HttpRequest.Builder b = s.request("/v1/clips/" + clip + query).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static float[][] clipSamples(String clip) throws Exception {
        HttpResponse<byte[]> r = download(clip, "", null);
        assertEquals(200, r.statusCode());
        return WavReader.decode(ByteBuffer.wrap(r.body()), clip).samples();
    }

    @Test
    void everyFormatIsStyleTransferInputOverHttp() throws Exception {
        HttpResponse<String> wavUp = upload(Files.readAllBytes(take), "audio/wav");
        assertEquals(201, wavUp.statusCode(), wavUp.body());
        float[][] fromWav = clipSamples(a2a(TestServer.json(wavUp).get("id").asText()));
        for (String ext : List.of("flac", "aiff", "mp3", "ogg", "opus")) {
            HttpResponse<String> up = upload(Files.readAllBytes(importDir.resolve("take." + ext)), TYPES.get(ext));
            assertEquals(201, up.statusCode(), ext + ": " + up.body());
            float[][] clip = clipSamples(a2a(TestServer.json(up).get("id").asText()));
            assertEquals(44100, clip[0].length, ext);
            if (ext.equals("flac") || ext.equals("aiff")) {
                // lossless: the same samples as the WAV upload, so the very same clip
                for (int c = 0; c < clip.length; c++) {
                    assertArrayEquals(fromWav[c], clip[c], ext + " channel " + c);
                }
            }
        }
    }

    @Test
    void damagedOrForeignUploadsAreRefusedClearly() throws Exception {
        byte[] flac = Files.readAllBytes(importDir.resolve("take.flac"));
        HttpResponse<String> cut = upload(Arrays.copyOf(flac, flac.length / 2), "audio/flac");
        assertEquals(400, cut.statusCode(), cut.body());
        assertEquals("invalid_audio", TestServer.json(cut).get("code").asText(), cut.body());
        assertTrue(cut.body().contains("FLAC") && cut.body().contains("truncated"), cut.body());

        byte[] mp3 = Files.readAllBytes(importDir.resolve("take.mp3"));
        byte[] garbled = mp3.clone();
        for (int i = garbled.length / 3; i < garbled.length / 3 + 500; i++) {
            garbled[i] = (byte) (i * 31);
        }
        HttpResponse<String> bad = upload(garbled, "audio/mpeg");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("MP3"), bad.body());

        HttpResponse<String> text = upload("just text".getBytes(), "audio/flac");
        assertEquals(400, text.statusCode(), text.body());
        assertTrue(text.body().contains("not an audio file"), text.body());
        // the server still serves
        assertEquals(201, upload(flac, "audio/flac").statusCode());
    }

    @Test
    void clipsDownloadAsFlacThatFfmpegDecodesToTheirSamples() throws Exception {
        HttpResponse<String> up = upload(Files.readAllBytes(take), "audio/wav");
        String clip = a2a(TestServer.json(up).get("id").asText());
        float[][] wav = clipSamples(clip);
        for (String[] ask : new String[][]{{"?format=flac", null}, {"", "audio/flac"}, {"", "audio/flac, audio/wav;q=0.5"}}) {
            HttpResponse<byte[]> r = download(clip, ask[0], ask[1]);
            assertEquals(200, r.statusCode());
            assertEquals("audio/flac", r.headers().firstValue("Content-Type").orElse(""), Arrays.toString(ask));
            Path f = root.resolve("dl.flac");
            Files.write(f, r.body());
            float[][] got = AudioTools.ffmpegDecode(f, wav.length);
            assertEquals(wav[0].length, got[0].length);
            for (int c = 0; c < wav.length; c++) {
                for (int i = 0; i < wav[c].length; i++) {
                    // exact for a 24-bit clip; a float clip is rounded to 24 bits
                    assertEquals(wav[c][i], got[c][i], 1.0 / (1 << 23), "channel " + c + " frame " + i);
                }
            }
        }
        HttpResponse<byte[]> plain = download(clip, "", "audio/wav, audio/flac");
        assertEquals("audio/wav", plain.headers().firstValue("Content-Type").orElse(""));
        assertEquals(400, download(clip, "?format=mp3", null).statusCode());
    }

    @Test
    void everyFormatIsStyleTransferInputOverOsc() throws Exception {
        try (OscTestClient c = new OscTestClient(osc, WAIT)) {
            int req = 500;
            for (String ext : List.of("flac", "aiff", "mp3", "ogg", "opus")) {
                req++;
                c.send.send("/gen/a2a", req, importDir.resolve("take." + ext).toString(), "brass", 1f, "steps", 2);
                OSCMessage done = c.reply("/gen/a2a", req);
                assertEquals("/done", done.getAddress(), ext + ": " + done.getArguments());
                assertEquals(44100, done.getArguments().get(4), ext);
            }
            // An inpaint source too: the job keeps the FLAC take's length.
            c.send.send("/gen/inpaint", ++req, importDir.resolve("take.flac").toString(), "snare fill", 0.25f, 0.5f,
                    "steps", 2);
            OSCMessage inpainted = c.reply("/gen/inpaint", req);
            assertEquals("/done", inpainted.getAddress(), inpainted.getArguments().toString());
            assertEquals(44100, inpainted.getArguments().get(4));

            Path bad = importDir.resolve("cut.ogg");
            byte[] ogg = Files.readAllBytes(importDir.resolve("take.ogg"));
            Files.write(bad, Arrays.copyOf(ogg, ogg.length - 100));
            c.send.send("/gen/a2a", ++req, bad.toString(), "brass", 1f, "steps", 2);
            OSCMessage fail = c.reply("/gen/a2a", req);
            assertEquals("/fail", fail.getAddress(), fail.getArguments().toString());
            assertTrue(fail.getArguments().toString().contains("truncated"), fail.getArguments().toString());
        }
    }
}
