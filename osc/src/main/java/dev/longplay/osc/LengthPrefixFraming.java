package dev.longplay.osc;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * OSC 1.0 stream framing: each packet preceded by its size as a 32-bit big-endian integer. liblo and
 * sclang frame TCP this way; {@link TcpFraming} picks it or SLIP from a connection's first byte.
 */
public final class LengthPrefixFraming {
    private LengthPrefixFraming() {
    }

    public static byte[] encode(byte[] packet) {
        return ByteBuffer.allocate(4 + packet.length).putInt(packet.length).put(packet).array();
    }

    /**
     * Streaming decoder. A frame over {@code maxFrame} (or with a negative size) is skipped by its
     * declared size and counted; since the size is known, the stream stays in step.
     */
    public static final class Decoder implements TcpFraming.FrameDecoder {
        private final int maxFrame;
        private final Consumer<byte[]> frames;
        private final Runnable onDrop;
        private final byte[] header = new byte[4];
        private int headerLength;
        private byte[] frame;
        private int frameLength;
        private long skip;
        private long dropped;

        /** @param onDrop told at once of each dropped frame, in stream order with the frames */
        public Decoder(int maxFrame, Consumer<byte[]> frames, Runnable onDrop) {
            this.maxFrame = maxFrame;
            this.frames = frames;
            this.onDrop = onDrop;
        }

        @Override
        public void feed(byte[] data, int offset, int count) {
            int i = offset;
            int end = offset + count;
            while (i < end) {
                if (skip > 0) {
                    int n = (int) Math.min(skip, end - i);
                    skip -= n;
                    i += n;
                } else if (frame == null) {
                    header[headerLength++] = data[i++];
                    if (headerLength == 4) {
                        headerLength = 0;
                        startFrame(ByteBuffer.wrap(header).getInt());
                    }
                } else {
                    int n = Math.min(frame.length - frameLength, end - i);
                    System.arraycopy(data, i, frame, frameLength, n);
                    frameLength += n;
                    i += n;
                    if (frameLength == frame.length) {
                        byte[] done = frame;
                        frame = null;
                        frames.accept(done);
                    }
                }
            }
        }

        private void startFrame(int size) {
            if (size <= 0 || size > maxFrame) {
                dropped++;
                onDrop.run();
                skip = size < 0 ? 0 : size;
                return;
            }
            frame = new byte[size];
            frameLength = 0;
        }

        @Override
        public long dropped() {
            return dropped;
        }
    }
}
