package dev.longplay.server.audio;

import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * FLAC through jflac (lossless: the samples are the encoder's input, bit for bit). jflac skips frames it cannot
 * decode and stops quietly at a cut-off end; both are refused here, so a damaged file is reported rather than
 * played with holes in it.
 */
final class FlacDecoder {

    private FlacDecoder() {
    }

    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
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
        double scale = 1.0 / (1L << (bits - 1));
        Frame frame;
        while ((frame = decoder.readNextFrame()) != null) {
            if (frame.header.channels != channels || frame.header.bitsPerSample != bits) {
                throw new IOException(name + ": a FLAC frame changes the channel count or sample size");
            }
            int n = frame.header.blockSize;
            ChannelData[] data = decoder.getChannelData();
            out.reserve(n);
            for (int c = 0; c < channels; c++) {
                int[] s = data[c].getOutput();
                for (int i = 0; i < n; i++) {
                    out.put(c, i, (float) (s[i] * scale));
                }
            }
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
        return new DecodedAudio(out.toArrays(), rate, AudioContainer.FLAC);
    }
}
