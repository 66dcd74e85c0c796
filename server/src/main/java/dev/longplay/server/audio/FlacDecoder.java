package dev.longplay.server.audio;

import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * FLAC through jflac (lossless: the samples are the encoder's input, bit for bit). jflac skips frames it cannot
 * decode, stops quietly at a cut-off end and does not check frame checksums; here a skipped frame, a short stream
 * and a mismatch with the MD5 of the audio that STREAMINFO records are all refused, so a damaged file is reported
 * rather than played with holes or noise in it.
 *
 * <p>Only STREAMINFO reaches jflac's metadata reader: it sizes arrays from counts inside the other blocks (a
 * picture's length, a comment count) without checking them against the file, so a few hostile bytes could make it
 * allocate gigabytes. The blocks are walked here instead, each checked to lie inside the file, and skipped.
 */
final class FlacDecoder {

    private FlacDecoder() {
    }

    /** The MD5 in the STREAMINFO block, which comes first; null where the encoder left it zero (unknown). */
    private static byte[] streamInfoMd5(byte[] b) {
        if (b.length < 42 || (b[4] & 0x7F) != 0) {
            return null;
        }
        byte[] md5 = Arrays.copyOfRange(b, 26, 42);
        for (byte x : md5) {
            if (x != 0) {
                return md5;
            }
        }
        return null;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    private static final int MARKER = 4;
    private static final int BLOCK_HEADER = 4;
    private static final int STREAMINFO_LENGTH = 34;

    /**
     * The file as jflac is given it: the marker, STREAMINFO marked as the last metadata block, then the frames.
     * Every metadata block header is checked: STREAMINFO first and 34 bytes long, each block inside the file.
     */
    static byte[] withStreamInfoOnly(byte[] b, String name) throws IOException {
        if (b.length < MARKER + BLOCK_HEADER + STREAMINFO_LENGTH) {
            throw new IOException(name + ": FLAC file ends inside its STREAMINFO block");
        }
        if ((b[MARKER] & 0x7F) != 0 || length(b, MARKER) != STREAMINFO_LENGTH) {
            throw new IOException(name + ": FLAC file does not begin with a valid STREAMINFO block");
        }
        int at = MARKER;
        boolean last;
        do {
            if (at + BLOCK_HEADER > b.length) {
                throw new IOException(name + ": FLAC file ends inside its metadata");
            }
            last = (b[at] & 0x80) != 0;
            int type = b[at] & 0x7F;
            if (type == 127 || (type == 0 && at != MARKER)) {
                throw new IOException(name + ": FLAC metadata is damaged (block type " + type + " at byte " + at + ")");
            }
            long end = (long) at + BLOCK_HEADER + length(b, at);
            if (end > b.length) {
                throw new IOException(name + ": a FLAC metadata block at byte " + at + " runs past the end of the file");
            }
            at = (int) end;
        } while (!last);
        int head = MARKER + BLOCK_HEADER + STREAMINFO_LENGTH;
        byte[] out = new byte[head + b.length - at];
        System.arraycopy(b, 0, out, 0, head);
        out[MARKER] |= (byte) 0x80;
        System.arraycopy(b, at, out, head, b.length - at);
        return out;
    }

    private static int length(byte[] b, int header) {
        return (b[header + 1] & 0xFF) << 16 | (b[header + 2] & 0xFF) << 8 | b[header + 3] & 0xFF;
    }

    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(withStreamInfoOnly(bytes, name)));
        decoder.readMetadata();
        StreamInfo info = decoder.getStreamInfo();
        if (info == null) {
            throw new IOException(name + ": FLAC file without a STREAMINFO block");
        }
        int channels = info.getChannels();
        int bits = info.getBitsPerSample();
        int rate = info.getSampleRate();
        if (channels < 1 || channels > 8 || bits < 4 || bits > 32 || rate < 1) {
            throw new IOException(name + ": FLAC STREAMINFO is not valid (" + channels + " channels, " + bits
                    + " bits, " + rate + " Hz)");
        }
        SampleAccumulator out = new SampleAccumulator(channels, maxSamples, name);
        byte[] expectedMd5 = streamInfoMd5(bytes);
        MessageDigest md5 = md5();
        int bytesPerSample = (bits + 7) / 8;
        byte[] pcm = new byte[0];
        double scale = 1.0 / (1L << (bits - 1));
        Frame frame;
        while ((frame = decoder.readNextFrame()) != null) {
            if (frame.header.channels != channels || frame.header.bitsPerSample != bits) {
                throw new IOException(name + ": a FLAC frame changes the channel count or sample size");
            }
            int n = frame.header.blockSize;
            ChannelData[] data = decoder.getChannelData();
            out.reserve(n);
            if (pcm.length < n * channels * bytesPerSample) {
                pcm = new byte[n * channels * bytesPerSample];
            }
            for (int c = 0; c < channels; c++) {
                int[] s = data[c].getOutput();
                int p = c * bytesPerSample;
                for (int i = 0; i < n; i++) {
                    out.put(c, i, (float) (s[i] * scale));
                    for (int k = 0; k < bytesPerSample; k++) {
                        pcm[p + k] = (byte) (s[i] >> (8 * k)); // the MD5 is over little-endian interleaved samples
                    }
                    p += channels * bytesPerSample;
                }
            }
            md5.update(pcm, 0, n * channels * bytesPerSample);
            out.advance(n);
        }
        if (decoder.getBadFrames() > 0) {
            throw new IOException(name + ": " + decoder.getBadFrames() + " FLAC frame(s) are damaged");
        }
        long total = info.getTotalSamples();
        if (total > 0 && out.frames() < total) {
            throw new IOException(name + ": FLAC file is truncated (" + out.frames() + " of " + total + " frames)");
        }
        if (out.frames() == 0) {
            throw new IOException(name + ": FLAC file holds no audio");
        }
        if (expectedMd5 != null && !MessageDigest.isEqual(expectedMd5, md5.digest())) {
            throw new IOException(name + ": FLAC file is damaged (its audio does not match the MD5 it records)");
        }
        return new DecodedAudio(out.toArrays(), rate, AudioContainer.FLAC);
    }
}
