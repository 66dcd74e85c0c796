package dev.longplay.server.audio;

import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.clips.WavWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A take to start from in style-transfer tests: a stereo 220 Hz sine at 44.1 kHz, written without outside tools. */
public final class SineTake {

    private SineTake() {
    }

    /** Writes {@code seconds} of the sine to {@code wav} (16-bit) and returns it. */
    public static Path write(Path wav, double seconds) throws IOException {
        float[][] sine = new float[2][(int) Math.round(seconds * 44100)];
        for (int i = 0; i < sine[0].length; i++) {
            sine[0][i] = sine[1][i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 44100.0));
        }
        try (OutputStream o = Files.newOutputStream(wav)) {
            WavWriter.write(o, sine, 44100, OutputFormat.WAV_PCM16);
        }
        return wav;
    }
}
