package dev.longplay.server.audio;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format, made by sox or ffmpeg from one synthetic recording, decodes to the samples ffmpeg decodes from the
 * same file: exactly for the lossless formats and those read through ffmpeg, within a stated tolerance for the lossy
 * codecs decoded in Java (MP3, Vorbis), whose length must still match to the sample.
 */
class AudioFileReaderTest {

    /**
     * @param encode    how the fixture is made from the source (first % the source, second % the fixture)
     * @param tolerance largest allowed difference from ffmpeg's samples (0: bit-exact)
     */
    record Fixture(String name, String file, int rate, int channels, String encode, double tolerance, boolean soxReference) {
        Fixture(String name, String file, int rate, int channels, String encode, double tolerance) {
            this(name, file, rate, channels, encode, tolerance, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // JOrbis and ffmpeg compute Vorbis's inverse MDCT in float in a different order: about 4e-7 of full scale apart
    // here; 1e-5 (-100 dBFS) allowed.
    static final double VORBIS = 1e-5;
    // JLayer's synthesis and dequantisation are single-precision and rounded differently from ffmpeg's mp3float:
    // about 7e-6 of full scale apart at worst here, the difference as a whole about 116 dB below the signal.
    // 5e-5 (-86 dBFS) and 100 dB are allowed. The lengths match only because both trim the encoder's delay and padding.
    static final double MP3 = 5e-5;
    static final double MP3_SNR_DB = 100;

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("wav u8", "a.wav", 44100, 2, "sox % -b 8 -e unsigned %", 0),
                new Fixture("wav s16 44.1k", "a.wav", 44100, 2, "sox % -b 16 %", 0),
                new Fixture("wav s24 96k", "a.wav", 96000, 2, "sox % -b 24 %", 0),
                new Fixture("wav s32 22.05k mono", "a.wav", 22050, 1, "sox % -b 32 -e signed %", 0),
                new Fixture("wav f32", "a.wav", 48000, 2, "sox % -b 32 -e floating-point %", 0),
                new Fixture("wav f64", "a.wav", 48000, 2, "sox % -b 64 -e floating-point %", 0),
                new Fixture("wav extensible s24", "a.wav", 48000, 2, "ffmpeg -v error -i % -c:a pcm_s24le %", 0),
                new Fixture("wav mu-law (ffmpeg)", "a.wav", 8000, 1, "ffmpeg -v error -i % -c:a pcm_mulaw %", 0),
                new Fixture("aiff s16", "a.aiff", 44100, 2, "sox % -b 16 %", 0),
                new Fixture("aiff s24 48k mono", "a.aiff", 48000, 1, "sox % -b 24 %", 0),
                new Fixture("aiff s8", "a.aiff", 22050, 2, "sox % -b 8 %", 0),
                new Fixture("aiff s32", "a.aiff", 44100, 2, "sox % -b 32 %", 0),
                new Fixture("aifc none", "a.aifc", 44100, 2, "sox % -b 16 %", 0),
                new Fixture("aifc sowt (ffmpeg)", "a.aifc", 44100, 2, "ffmpeg -v error -i % -c:a pcm_s16le -f aiff %", 0),
                new Fixture("aifc fl32 (ffmpeg)", "a.aifc", 48000, 2, "ffmpeg -v error -i % -c:a pcm_f32be -f aiff %", 0),
                new Fixture("flac 16", "a.flac", 44100, 2, "sox % -b 16 %", 0),
                new Fixture("flac 24 96k mono", "a.flac", 96000, 1, "sox % -b 24 %", 0),
                new Fixture("flac ffmpeg s16", "a.flac", 48000, 2, "ffmpeg -v error -i % -c:a flac -sample_fmt s16 %", 0),
                new Fixture("mp3 sox cbr", "a.mp3", 44100, 2, "sox % -C 192 %", MP3),
                new Fixture("mp3 ffmpeg vbr", "a.mp3", 48000, 2, "ffmpeg -v error -i % -c:a libmp3lame -q:a 4 %", MP3),
                new Fixture("mp3 mpeg-2 mono", "a.mp3", 22050, 1, "ffmpeg -v error -i % -c:a libmp3lame -b:a 64k %", MP3),
                new Fixture("mp3 without xing tag", "a.mp3", 44100, 2,
                        "ffmpeg -v error -i % -c:a libmp3lame -b:a 128k -write_xing 0 %", MP3),
                // An ID3v1 tag after the last frame (sox writes one too): that frame must still be decoded.
                new Fixture("mp3 with id3v1 tag", "a.mp3", 48000, 2,
                        "ffmpeg -v error -i % -c:a libmp3lame -b:a 128k -write_id3v1 1 -metadata title=take %", MP3),
                new Fixture("ogg vorbis sox", "a.ogg", 44100, 2, "sox % -C 5 %", VORBIS),
                new Fixture("ogg vorbis ffmpeg mono", "a.ogg", 48000, 1, "ffmpeg -v error -i % -c:a libvorbis -q:a 3 %", VORBIS),
                // A stream short enough for one audio page: ffmpeg drops its last 128 samples here, so the reference
                // is libvorbis itself (sox decodes through libvorbisfile), which keeps the length the granule gives;
                // sox reads Vorbis as 16-bit, so one 16-bit step is allowed.
                new Fixture("ogg vorbis one page (libvorbis reference)", "a.ogg", 44100, 2, "sox % -b 16 -C 5 %",
                        1.0 / 32768, true),
                new Fixture("ogg opus (ffmpeg)", "a.opus", 48000, 2, "ffmpeg -v error -i % -c:a libopus -b:a 96k %", 0),
                new Fixture("m4a aac (ffmpeg)", "a.m4a", 44100, 2, "ffmpeg -v error -i % -c:a aac -b:a 128k %", 0));
    }

    @BeforeAll
    static void tools() {
        AudioTools.assumeSoxAndFfmpeg();
    }

    /** The source: a sweep (and pink noise on a second channel) at the fixture's rate, float. */
    static Path source(Path dir, int rate, int channels, double seconds) throws IOException, InterruptedException {
        Path src = dir.resolve("source-" + rate + "-" + channels + ".wav");
        String tones = channels == 2 ? "sine 300-6000 pinknoise" : "sine 300-6000";
        AudioTools.run(AudioTools.cmd("sox -R -n -r " + rate + " -c " + channels + " -b 32 -e floating-point % synth "
                + seconds + " " + tones + " gain -6", src));
        return src;
    }

    static Path make(Fixture f, Path dir) throws IOException, InterruptedException {
        Path src = source(dir, f.rate(), f.channels(), f.soxReference() ? 1.0 : 1.3);
        Path out = dir.resolve(f.file());
        AudioTools.run(AudioTools.cmd(f.encode(), src, out));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesAsTheReferenceDoes(Fixture f, @TempDir Path dir) throws Exception {
        Path file = make(f, dir);
        DecodedAudio ours = AudioFileReader.read(file);
        float[][] ref = f.soxReference() ? AudioTools.soxDecode(file, f.channels())
                : AudioTools.ffmpegDecode(file, f.channels());
        assertEquals(f.rate(), ours.sampleRate(), "sample rate");
        assertEquals(f.channels(), ours.channels(), "channels");
        double worst = 0;
        double signal = 0;
        double error = 0;
        for (int c = 0; c < f.channels(); c++) {
            assertEquals(ref[c].length, ours.samples()[c].length, "frames in channel " + c);
            for (int i = 0; i < ref[c].length; i++) {
                double d = ref[c][i] - ours.samples()[c][i];
                worst = Math.max(worst, Math.abs(d));
                signal += (double) ref[c][i] * ref[c][i];
                error += d * d;
            }
        }
        double snr = 10 * Math.log10(signal / Math.max(error, 1e-30));
        System.out.printf("%s: %d frames, largest difference from the reference %.3g, signal to difference %.1f dB%n",
                f, ref[0].length, worst, snr);
        if (f.file().endsWith(".mp3")) {
            assertTrue(snr > MP3_SNR_DB, "signal to difference " + snr + " dB");
        }
        if (f.tolerance() == 0) {
            assertEquals(0.0, worst, "samples must be bit-exact");
        } else {
            assertEquals(0.0, worst, f.tolerance(), "samples within tolerance");
        }
    }
}
