package dev.longplay.server.audio;

import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.Obuffer;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * MP3 (MPEG-1/2/2.5 Layer III) through JLayer, kept in float rather than JLayer's 16-bit output.
 *
 * <p>Gapless trimming, as ffmpeg and mpg123 do it: an encoder adds silence before the music (its delay) and after it
 * (padding to whole frames), and LAME records both in the tag frame it writes first ({@link Mp3GaplessInfo}). That
 * frame decodes as silence and is dropped; then the encoder delay plus the decoder's own 529-sample filter delay are
 * dropped from the start, and the stream is cut to the frame count the tag gives, minus delay and padding. A file
 * without the tag is kept whole, as ffmpeg keeps it.
 */
final class Mp3Decoder {
    /** The synthesis filterbank's delay that standard decoders add (528 samples) plus one, as LAME counts it. */
    static final int DECODER_DELAY = 529;
    /**
     * The gain JLayer's synthesis filter applies for its 16-bit output: 32700, not 32768 (it leaves headroom against
     * clipping). Dividing by it gives the stream's own level, as other decoders output it.
     */
    static final float JLAYER_SCALE = 32700f;

    private Mp3Decoder() {
    }

    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        Mp3FrameChain.Chain chain = Mp3FrameChain.walk(bytes, name);
        Mp3GaplessInfo gapless = Mp3GaplessInfo.find(bytes);
        // Without the trailing tags: JLayer takes a frame as real only if another frame header or the end of the
        // stream follows it, so the last frame before an ID3v1 tag (sox writes one) would be lost.
        Bitstream stream = new Bitstream(new ByteArrayInputStream(bytes, 0, chain.end()));
        Decoder decoder = new Decoder();
        FloatOutput buffer = new FloatOutput();
        decoder.setOutputBuffer(buffer);
        SampleAccumulator out = null;
        int rate = 0;
        int frames = 0;
        try {
            Header h;
            while ((h = stream.readFrame()) != null) {
                int channels = h.mode() == Header.SINGLE_CHANNEL ? 1 : 2;
                if (out == null) {
                    out = new SampleAccumulator(channels, maxSamples, name);
                    rate = h.frequency();
                } else if (channels != out.channelCount() || h.frequency() != rate) {
                    throw new IOException(name + ": MP3 stream changes its channel count or sample rate");
                }
                if (h.layer() != 3) {
                    throw new IOException(name + ": MPEG layer " + h.layer() + " audio is not MP3");
                }
                buffer.reset(channels);
                decoder.decodeFrame(h, stream);
                stream.closeFrame();
                frames++;
                int n = buffer.frames();
                out.reserve(n);
                for (int c = 0; c < channels; c++) {
                    float[] s = buffer.samples[c];
                    for (int i = 0; i < n; i++) {
                        out.put(c, i, s[i] / JLAYER_SCALE);
                    }
                }
                out.advance(n);
            }
        } catch (BitstreamException | DecoderException e) {
            throw new IOException(name + ": MP3 stream is damaged (" + e.getMessage() + ")");
        } catch (ArrayIndexOutOfBoundsException e) {
            // JLayer indexes its tables with bits from the stream; garbage there reads past their ends.
            throw new IOException(name + ": MP3 stream is damaged (a frame could not be decoded)");
        }
        if (out == null || out.frames() == 0) {
            throw new IOException(name + ": no MP3 audio frames found");
        }
        if (frames != chain.frames()) {
            throw new IOException(name + ": MP3 stream is damaged (" + frames + " of " + chain.frames() + " frames decoded)");
        }
        if (gapless != null) {
            int perFrame = out.frames() / frames;
            long expectedFrames = gapless.frames() + 1; // the tag frame too
            if (gapless.frames() > 0 && frames < expectedFrames) {
                throw new IOException(name + ": MP3 file is truncated (" + frames + " of " + expectedFrames + " frames)");
            }
            out.dropStart(perFrame + (gapless.lame() ? gapless.delay() + DECODER_DELAY : 0));
            if (gapless.lame() && gapless.frames() > 0) {
                long length = gapless.frames() * perFrame - gapless.delay() - gapless.padding();
                out.truncate((int) Math.max(0, Math.min(Integer.MAX_VALUE, length)));
            }
        }
        return new DecodedAudio(out.toArrays(), rate, AudioContainer.MP3);
    }

    /** Receives one frame's decoded samples per channel, as floats at JLayer's scale. */
    private static final class FloatOutput extends Obuffer {
        final float[][] samples = new float[2][1152];
        private final int[] written = new int[2];
        private int channels;

        void reset(int channels) {
            this.channels = channels;
            written[0] = 0;
            written[1] = 0;
        }

        int frames() {
            return channels == 1 ? written[0] : Math.min(written[0], written[1]);
        }

        @Override
        public void appendSamples(int channel, float[] f) {
            int n = Math.min(f.length, samples[channel].length - written[channel]);
            System.arraycopy(f, 0, samples[channel], written[channel], n);
            written[channel] += n;
        }

        @Override
        public void append(int channel, short value) {
            if (written[channel] < samples[channel].length) {
                samples[channel][written[channel]++] = value;
            }
        }

        @Override
        public void write_buffer(int val) {
        }

        @Override
        public void close() {
        }

        @Override
        public void clear_buffer() {
        }

        @Override
        public void set_stop_flag() {
        }
    }
}
