package dev.longplay.server.clips;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipStoreTest {

    static RenderedClip clip(int frames, float value) {
        float[][] a = new float[2][frames];
        for (float[] ch : a) {
            java.util.Arrays.fill(ch, value);
        }
        return new RenderedClip(a, 44100, 1, Map.of());
    }

    @Test
    void wavFormatsReadBackWithJavaSound(@TempDir Path dir) throws Exception {
        for (OutputFormat f : OutputFormat.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            float[][] audio = {{0.5f, -0.5f, 0.25f}, {0.1f, 0.2f, -1.0f}};
            WavWriter.Result r = WavWriter.write(out, audio, 48000, f);
            assertEquals(1.0, r.gain());
            Path file = dir.resolve(f.wire() + ".wav");
            Files.write(file, out.toByteArray());
            try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
                AudioFormat af = in.getFormat();
                assertEquals(f.bitsPerSample(), af.getSampleSizeInBits(), f.wire());
                assertEquals(f == OutputFormat.WAV_FLOAT32 ? AudioFormat.Encoding.PCM_FLOAT : AudioFormat.Encoding.PCM_SIGNED, af.getEncoding());
                assertEquals(2, af.getChannels());
                assertEquals(3, in.getFrameLength());
                byte[] frames = in.readAllBytes();
                ByteBuffer b = ByteBuffer.wrap(frames).order(ByteOrder.LITTLE_ENDIAN);
                double first = switch (f) {
                    case WAV_PCM16 -> b.getShort(0) / 32767.0;
                    case WAV_PCM24 -> ((b.get(0) & 0xff) | (b.get(1) & 0xff) << 8 | b.get(2) << 16) / 8388607.0;
                    case WAV_FLOAT32 -> b.getFloat(0);
                };
                assertEquals(0.5, first, 1e-4);
            }
        }
    }

    @Test
    void hotPeaksAreNormalisedAndNonFiniteAudioRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WavWriter.Result r = WavWriter.write(out, new float[][]{{2.0f, -1.0f}}, 44100, OutputFormat.WAV_PCM16);
        assertEquals(2.0, r.peak());
        short s0 = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getShort(44);
        assertEquals(Math.round(WavWriter.CEILING * 32767), s0);
        assertThrows(IllegalArgumentException.class,
                () -> WavWriter.write(new ByteArrayOutputStream(), new float[][]{{Float.NaN}}, 44100, OutputFormat.WAV_PCM16));
    }

    @Test
    void clipsSurviveReopeningAndInterruptedWritesAreDropped(@TempDir Path dir) throws Exception {
        ClipStore store = ClipStore.open(dir, 1 << 20);
        ClipInfo a = store.write("a", clip(100, 0.1f), OutputFormat.WAV_PCM16, Map.of("prompt", "p"));
        assertTrue(Files.readString(a.meta()).contains("\"prompt\" : \"p\""));
        Files.write(dir.resolve(".b.wav.tmp-xyz"), new byte[10]);
        Files.write(dir.resolve("c.wav"), new byte[10]); // renamed, but its metadata never came
        Files.write(dir.resolve("d.json"), new byte[2]); // metadata without audio
        ClipStore reopened = ClipStore.open(dir, 1 << 20);
        assertTrue(reopened.get("a").isPresent());
        assertFalse(reopened.get("c").isPresent());
        assertFalse(Files.exists(dir.resolve(".b.wav.tmp-xyz")));
        assertFalse(Files.exists(dir.resolve("c.wav")));
        assertFalse(Files.exists(dir.resolve("d.json")));
        assertEquals(a.bytes(), reopened.totalBytes());
        assertTrue(reopened.delete("a"));
        assertFalse(reopened.delete("a"));
        assertEquals(0, reopened.count());
    }

    @Test
    void linksInTheClipFolderAreNeverServed(@TempDir Path dir) throws Exception {
        Path clips = Files.createDirectories(dir.resolve("clips"));
        Path secret = Files.writeString(dir.resolve("secret.wav"), "RIFF secret");
        Files.createSymbolicLink(clips.resolve("evil.wav"), secret);
        Files.writeString(clips.resolve("evil.json"), "{}");
        ClipStore store = ClipStore.open(clips, 1 << 20);
        assertFalse(store.get("evil").isPresent());
        // A clip swapped for a link after it was indexed is refused at open.
        ClipInfo ok = store.write("ok", clip(10, 0.1f), OutputFormat.WAV_PCM16, Map.of());
        Files.delete(ok.audio());
        Files.createSymbolicLink(ok.audio(), secret);
        assertThrows(java.io.IOException.class, () -> ClipStore.openAudio(ok).close());
    }

    @Test
    void theSizeLimitEvictsTheLeastRecentlyUsed(@TempDir Path dir) throws Exception {
        ClipStore probe = ClipStore.open(dir.resolve("probe"), 1 << 20);
        long one = probe.write("x", clip(1000, 0.1f), OutputFormat.WAV_PCM16, Map.of()).bytes();
        ClipStore store = ClipStore.open(dir.resolve("s"), 3 * one + one / 2);
        store.write("a", clip(1000, 0.1f), OutputFormat.WAV_PCM16, Map.of());
        Thread.sleep(5);
        store.write("b", clip(1000, 0.1f), OutputFormat.WAV_PCM16, Map.of());
        Thread.sleep(5);
        store.write("c", clip(1000, 0.1f), OutputFormat.WAV_PCM16, Map.of());
        Thread.sleep(5);
        store.get("a"); // a is now more recent than b
        Thread.sleep(5);
        store.write("d", clip(1000, 0.1f), OutputFormat.WAV_PCM16, Map.of());
        assertFalse(store.get("b").isPresent(), "b was the least recently used");
        assertTrue(store.get("a").isPresent() && store.get("c").isPresent() && store.get("d").isPresent());
        assertFalse(Files.exists(dir.resolve("s/b.wav")));
        assertTrue(store.totalBytes() <= store.limitBytes());
    }
}
