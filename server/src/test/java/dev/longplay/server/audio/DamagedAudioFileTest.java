package dev.longplay.server.audio;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cut-off and garbled files of every format give an IOException naming the file, in bounded time: never a hang,
 * a crash, an unchecked exception or audio made of the damage.
 */
class DamagedAudioFileTest {

    static Stream<AudioFileReaderTest.Fixture> oneOfEach() {
        return AudioFileReaderTest.fixtures().filter(f -> switch (f.name()) {
            case "wav s16 44.1k", "wav mu-law (ffmpeg)", "aiff s16", "aifc sowt (ffmpeg)", "flac 16", "mp3 sox cbr",
                 "mp3 without xing tag", "ogg vorbis sox", "ogg opus (ffmpeg)", "m4a aac (ffmpeg)" -> true;
            default -> false;
        });
    }

    @BeforeAll
    static void tools() {
        AudioTools.assumeSoxAndFfmpeg();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneOfEach")
    void truncatedFilesAreRefused(AudioFileReaderTest.Fixture f, @TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(AudioFileReaderTest.make(f, dir));
        for (double at : new double[]{0.0005, 0.01, 0.3, 0.5, 0.9, 0.999}) {
            int n = Math.max(1, (int) (whole.length * at));
            refused(Arrays.copyOf(whole, n), f + " cut to " + n + " of " + whole.length + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneOfEach")
    void garbledFilesAreRefused(AudioFileReaderTest.Fixture f, @TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(AudioFileReaderTest.make(f, dir));
        Random random = new Random(42);
        for (int keep : new int[]{4, 16, 64}) {
            byte[] b = whole.clone();
            for (int i = keep; i < b.length; i++) {
                b[i] = (byte) random.nextInt(256);
            }
            // Random PCM after an intact header is just other samples.
            refused(b, f + " with all but its first " + keep + " bytes random", keep == 64 && pcm(f));
        }
        // Damage in the middle only: the header and the end are intact.
        byte[] b = whole.clone();
        for (int i = b.length / 2; i < b.length / 2 + 2000 && i < b.length - 100; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        refused(b, f + " with 2000 random bytes in the middle", pcm(f));
    }

    /** Small files that decode to too much: refused while decoding (memory stays bounded), with a clear reason. */
    @Test
    void filesThatDecodeToTooMuchAudioAreRefused(@TempDir Path dir) throws Exception {
        // 30 s of 48 kHz stereo silence: a small FLAC, 2.9 M samples, past a cap of 1 M samples
        Path flac = dir.resolve("long.flac");
        AudioTools.run(AudioTools.cmd("sox -D -n -r 48000 -c 2 -b 16 % trim 0 30", flac));
        byte[] small = Files.readAllBytes(flac);
        assertTrue(small.length < 200_000, small.length + " bytes");
        IOException e = assertThrows(AudioTooLongException.class, () -> AudioFileReader.decode(small, "long.flac", 1 << 20));
        assertTrue(e.getMessage().contains("long.flac") && e.getMessage().contains("samples"), e.getMessage());
        // 11 minutes of 8 kHz mono: within the sample cap, past the 600 s a request can use
        Path ogg = dir.resolve("long.ogg");
        AudioTools.run(AudioTools.cmd("sox -D -n -r 8000 -c 1 % trim 0 660", ogg));
        e = assertThrows(AudioTooLongException.class, () -> AudioFileReader.read(ogg));
        assertTrue(e.getMessage().contains("long.ogg") && e.getMessage().contains("600 s"), e.getMessage());
    }

    /**
     * Metadata blocks whose inner counts are hostile (a comment count of 2^31 - 1, a picture type string of 2 GB)
     * but which lie inside the file are skipped, and the audio decodes; a block that runs past the end is refused.
     */
    @Test
    void flacMetadataCannotAskForMemory(@TempDir Path dir) throws Throwable {
        AudioFileReaderTest.Fixture f = AudioFileReaderTest.fixtures().filter(x -> x.name().equals("flac 16"))
                .findFirst().orElseThrow();
        byte[] whole = Files.readAllBytes(AudioFileReaderTest.make(f, dir));
        DecodedAudio plain = AudioFileReader.decode(whole, "plain.flac");
        byte[] comments = {0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}; // vendor "", 2^31 - 1 entries
        byte[] picture = {0, 0, 0, 3, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // front cover, 2 GB MIME type
        for (byte[] block : new byte[][]{withBlock(whole, 4, comments), withBlock(whole, 6, picture)}) {
            DecodedAudio[] audio = new DecodedAudio[1];
            long bytes = allocatedWhile(() -> audio[0] = AudioFileReader.decode(block, "tagged.flac"));
            assertTrue(bytes < MODEST_ALLOCATION, bytes + " bytes allocated");
            assertTrue(Arrays.deepEquals(plain.samples(), audio[0].samples()), "the same audio");
        }
        byte[] cut = withBlock(whole, 2, new byte[8]);
        cut[4 + 4 + 34 + 1] = 0x7F; // the block now claims 8 MB, past the end of a 125 kB file
        refused(cut, "a FLAC metadata block longer than the file");
    }

    /** A Vorbis comment header whose vendor length or comment count says gigabytes is refused, quickly. */
    @Test
    void vorbisCommentsCannotAskForMemory(@TempDir Path dir) throws Throwable {
        AudioFileReaderTest.Fixture f = AudioFileReaderTest.fixtures().filter(x -> x.name().equals("ogg vorbis sox"))
                .findFirst().orElseThrow();
        byte[] whole = Files.readAllBytes(AudioFileReaderTest.make(f, dir));
        byte[] vendor = {3, 'v', 'o', 'r', 'b', 'i', 's', 0, 0, 0, 0x40, 0, 0, 0, 0, 1}; // 1 GB;
        byte[] count = {3, 'v', 'o', 'r', 'b', 'i', 's', 0, 0, 0, 0, 0, 0, 0, 0x20, 1}; // 2^29 comments;
        byte[] empty = {3, 'v', 'o', 'r', 'b', 'i', 's', 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertTrue(AudioFileReader.decode(OggRepacker.withPacket(whole, 1, empty), "x").seconds() > 1,
                "a repacked file with an empty comment header still decodes");
        for (byte[] packet : new byte[][]{vendor, count}) {
            byte[] file = OggRepacker.withPacket(whole, 1, packet);
            long bytes = allocatedWhile(() -> {
                IOException e = assertThrows(IOException.class, () -> AudioFileReader.decode(file, "tagged.ogg"));
                assertTrue(e.getMessage().contains("tagged.ogg"), e.getMessage());
            });
            assertTrue(bytes < MODEST_ALLOCATION, bytes + " bytes allocated");
        }
    }

    /** Far more than decoding these 1.3 s files takes, far less than what the hostile fields ask for. */
    private static final long MODEST_ALLOCATION = 256L << 20;

    /** Bytes the current thread allocated while running {@code work} (heap allocations, garbage included). */
    private static long allocatedWhile(org.junit.jupiter.api.function.Executable work) throws Throwable {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        work.execute();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    /** The file with a metadata block of {@code type} inserted right after STREAMINFO. */
    private static byte[] withBlock(byte[] flac, int type, byte[] body) {
        int at = 4 + 4 + 34;
        byte[] b = new byte[flac.length + 4 + body.length];
        System.arraycopy(flac, 0, b, 0, at);
        b[4] &= 0x7F; // STREAMINFO is no longer the last block
        b[at] = (byte) ((flac[4] & 0x80) | type); // ... the new one is, where STREAMINFO was
        b[at + 1] = (byte) (body.length >> 16);
        b[at + 2] = (byte) (body.length >> 8);
        b[at + 3] = (byte) body.length;
        System.arraycopy(body, 0, b, at + 4, body.length);
        System.arraycopy(flac, at, b, at + 4 + body.length, flac.length - at);
        return b;
    }

    private static boolean pcm(AudioFileReaderTest.Fixture f) {
        return f.file().endsWith(".wav") || f.file().endsWith(".aiff") || f.file().endsWith(".aifc");
    }

    @Test
    void whatIsNotAudioIsRefused() {
        refused(new byte[0], "an empty file");
        refused("hello, this is text and not audio".getBytes(), "a text file");
        refused(new byte[100_000], "zeros");
    }

    private static void refused(byte[] bytes, String what) {
        refused(bytes, what, false);
    }

    /** @param mayDecode PCM has no checksum: damage inside its samples is just other samples, and may decode */
    private static void refused(byte[] bytes, String what, boolean mayDecode) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            if (mayDecode) {
                try {
                    AudioFileReader.decode(bytes, "take.x");
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("take.x"), what + ": " + e.getMessage());
                }
                return;
            }
            IOException e = assertThrows(IOException.class, () -> AudioFileReader.decode(bytes, "take.x"), what);
            assertTrue(e.getMessage().contains("take.x"), what + ": the message names the file: " + e.getMessage());
            System.out.println(what + ": " + e.getMessage());
        }, what);
    }
}
