package dev.longplay.server.audio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where no sound Java decoder exists (Opus here) ffmpeg decodes; without ffmpeg the error says to install it, while
 * the formats with Java decoders still read.
 */
class FfmpegFallbackTest {

    @AfterEach
    void restore() {
        System.clearProperty(FfmpegDecoder.PROGRAM_PROPERTY);
    }

    @Test
    void withoutFfmpegOpusSaysToInstallItAndFlacStillReads(@TempDir Path dir) throws Exception {
        AudioTools.assumeSoxAndFfmpeg();
        Path src = AudioFileReaderTest.source(dir, 48000, 2, 0.5);
        Path opus = dir.resolve("take.opus");
        Path flac = dir.resolve("take.flac");
        AudioTools.run(AudioTools.cmd("ffmpeg -v error -i % -c:a libopus %", src, opus));
        AudioTools.run(AudioTools.cmd("sox % -b 16 %", src, flac));

        System.setProperty(FfmpegDecoder.PROGRAM_PROPERTY, dir.resolve("no-such-ffmpeg").toString());
        IOException e = assertThrows(IOException.class, () -> AudioFileReader.read(opus));
        assertTrue(e.getMessage().contains("take.opus") && e.getMessage().contains("Ogg Opus")
                && e.getMessage().contains("needs ffmpeg, which is not installed"), e.getMessage());
        assertEquals(24000, AudioFileReader.read(flac).frames(), "FLAC needs no ffmpeg");
    }

    @Test
    void aHungFfmpegIsNotWaitedOnForever(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("ffmpeg");
        // An "ffmpeg" that reads nothing and never ends: the decoder must give up, not hang the caller.
        Files.writeString(fake, "#!/bin/sh\nexec sleep 600\n");
        assertTrue(fake.toFile().setExecutable(true));
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        System.setProperty(FfmpegDecoder.PROGRAM_PROPERTY, fake.toString());
        byte[] m4a = new byte[64];
        System.arraycopy("....ftypM4A ".getBytes(), 0, m4a, 0, 12);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> FfmpegDecoder.decode(m4a, "slow.m4a", "mov", "M4A", AudioContainer.MP4, 1000, 2));
        assertTrue(e.getMessage().contains("slow.m4a") && e.getMessage().contains("longer than"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "gave up in time");
    }
}
