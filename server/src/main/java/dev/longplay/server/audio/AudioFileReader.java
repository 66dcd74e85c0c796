package dev.longplay.server.audio;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way Longplay reads an audio file someone gives it (init audio, inpaint and continue sources, uploads):
 * WAV, AIFF/AIFC, FLAC, Ogg Vorbis and MP3 with Java decoders, and Ogg Opus, compressed AIFC and M4A through
 * ffmpeg where it is installed. The format is recognised from the bytes, never from the name.
 *
 * <p>Invariants: every failure is an {@link IOException} whose message names the file and what is wrong with it
 * (decoder bugs on hostile input included); decoding stops at {@link #MAX_SAMPLES} samples and refuses more than
 * {@link #MAX_SECONDS}, so memory stays bounded whatever a small compressed file claims.
 */
public final class AudioFileReader {
    /** The longest audio a request can use (a clip and its continuation together). */
    public static final double MAX_SECONDS = 600;
    /** Samples over all channels: 256 MiB as floats. */
    public static final long MAX_SAMPLES = 1L << 26;
    /** Files are read into memory once; nothing longer than {@link #MAX_SECONDS} needs more than this. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private AudioFileReader() {
    }

    public static DecodedAudio read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new AudioTooLongException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes a file held in memory; {@code name} is only for messages. */
    public static DecodedAudio decode(byte[] bytes, String name) throws IOException {
        return decode(bytes, name, MAX_SAMPLES);
    }

    /** As {@link #decode(byte[], String)} with another sample cap (tests use a small one). */
    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        AudioContainer container = AudioContainer.sniff(bytes);
        if (container == null) {
            throw new IOException(name + " is not an audio file Longplay reads (" + AudioContainer.SUPPORTED + ")");
        }
        DecodedAudio audio;
        try {
            audio = switch (container) {
                case WAV -> wav(bytes, name, maxSamples);
                case AIFF -> aiff(bytes, name, maxSamples);
                case FLAC -> FlacDecoder.decode(bytes, name, maxSamples);
                case OGG -> ogg(bytes, name, maxSamples);
                case MP3 -> Mp3Decoder.decode(bytes, name, maxSamples);
                case MP4 -> FfmpegDecoder.decode(bytes, name, "mov", "M4A/MP4", container, maxSamples);
            };
        } catch (IOException e) {
            String m = e.getMessage();
            if (m != null && m.contains(name)) {
                throw e;
            }
            // A library's own exception (jflac's EOFException has no message at all): say which file and format.
            throw new IOException(name + ": not a valid " + container.label() + " file ("
                    + (m != null ? m : e instanceof EOFException ? "it ends too early" : e.getClass().getSimpleName())
                    + ")", e);
        } catch (RuntimeException e) {
            // The Java decoders index tables with bits from the file; hostile bytes can throw anything unchecked.
            throw new IOException(name + ": not a valid " + container.label() + " file (the decoder failed: "
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (audio.seconds() > MAX_SECONDS) {
            throw new AudioTooLongException(name + " is " + Math.round(audio.seconds()) + " s long; at most "
                    + Math.round(MAX_SECONDS) + " s can be used");
        }
        return audio;
    }

    private static DecodedAudio wav(byte[] bytes, String name, long maxSamples) throws IOException {
        try {
            WavReader.Audio a = WavReader.decode(ByteBuffer.wrap(bytes), name, maxSamples);
            return new DecodedAudio(a.samples(), a.sampleRate(), AudioContainer.WAV);
        } catch (WavReader.UnsupportedEncoding e) {
            // μ-law, A-law, ADPCM and other codecs in a WAV wrapper
            return FfmpegDecoder.decode(bytes, name, "wav", "WAV in this encoding", AudioContainer.WAV,
                    maxSamples);
        }
    }

    private static DecodedAudio aiff(byte[] bytes, String name, long maxSamples) throws IOException {
        AiffChunks.check(bytes, name);
        try {
            return AiffDecoder.decode(bytes, name, maxSamples);
        } catch (AiffDecoder.UnsupportedVariant e) {
            return FfmpegDecoder.decode(bytes, name, "aiff", "AIFF/AIFC", AudioContainer.AIFF, maxSamples);
        }
    }

    private static DecodedAudio ogg(byte[] bytes, String name, long maxSamples) throws IOException {
        OggPageChain.check(bytes, name);
        try {
            return VorbisDecoder.decode(bytes, name, maxSamples);
        } catch (VorbisDecoder.UnsupportedCodec e) {
            return FfmpegDecoder.decode(bytes, name, "ogg", e.what,
                    AudioContainer.OGG, maxSamples);
        }
    }
}
