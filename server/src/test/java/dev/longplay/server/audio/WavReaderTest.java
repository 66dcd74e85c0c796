package dev.longplay.server.audio;

import dev.longplay.server.clips.WavWriter;
import dev.longplay.server.clips.OutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavReaderTest {

    private static float[][] tone(int frames) {
        float[][] x = new float[2][frames];
        for (int i = 0; i < frames; i++) {
            x[0][i] = (float) (0.5 * Math.sin(i * 0.05));
            x[1][i] = (float) (-0.25 * Math.cos(i * 0.11));
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void readsWhatTheClipWriterWrites(OutputFormat format) throws IOException {
        float[][] audio = tone(1000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WavWriter.write(bytes, audio, 48000, format);
        WavReader.Audio back = WavReader.decode(ByteBuffer.wrap(bytes.toByteArray()), "t.wav");
        assertEquals(48000, back.sampleRate());
        assertEquals(2, back.channels());
        assertEquals(1000, back.frames());
        double tol = format == OutputFormat.WAV_PCM16 ? 1.0 / 32000 : 1e-6;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 1000; i++) {
                assertEquals(audio[c][i], back.samples()[c][i], tol);
            }
        }
    }

    /** An independent writer (Java Sound) makes the file: 16-bit mono at 22.05 kHz. */
    @Test
    void readsJavaSoundFiles() throws Exception {
        int frames = 500;
        byte[] pcm = new byte[frames * 2];
        for (int i = 0; i < frames; i++) {
            short s = (short) (i * 50 - 12000);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        AudioFormat fmt = new AudioFormat(22050, 16, 1, true, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), fmt, frames),
                javax.sound.sampled.AudioFileFormat.Type.WAVE, out);
        WavReader.Audio a = WavReader.decode(ByteBuffer.wrap(out.toByteArray()), "js.wav");
        assertEquals(22050, a.sampleRate());
        assertEquals(1, a.channels());
        assertEquals(frames, a.frames());
        assertEquals((short) (7 * 50 - 12000) / 32768f, a.samples()[0][7], 1e-7);
    }

    @Test
    void refusesWhatIsNotAWav() {
        IOException e = assertThrows(IOException.class,
                () -> WavReader.decode(ByteBuffer.wrap("not a wav file at all".getBytes()), "x.wav"));
        assertTrue(e.getMessage().contains("not a WAV"), e.getMessage());
        assertThrows(IOException.class, () -> WavReader.decode(ByteBuffer.wrap(new byte[3]), "short.wav"));
    }
}
