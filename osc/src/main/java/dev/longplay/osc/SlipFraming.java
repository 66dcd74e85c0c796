package dev.longplay.osc;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * SLIP framing (RFC 1055) as OSC 1.1 uses it over TCP: each packet is escaped and enclosed between two
 * END bytes ("double-END"), so a receiver can resynchronise after garbage at the next END.
 */
public final class SlipFraming {
    public static final int END = 0xC0;
    public static final int ESC = 0xDB;
    public static final int ESC_END = 0xDC;
    public static final int ESC_ESC = 0xDD;

    private SlipFraming() {
    }

    /** {@code END escaped(packet) END}. */
    public static byte[] encode(byte[] packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(packet.length + 8);
        out.write(END);
        for (byte b : packet) {
            int v = b & 0xFF;
            if (v == END) {
                out.write(ESC);
                out.write(ESC_END);
            } else if (v == ESC) {
                out.write(ESC);
                out.write(ESC_ESC);
            } else {
                out.write(v);
            }
        }
        out.write(END);
        return out.toByteArray();
    }

    /**
     * Streaming decoder: feed it bytes as they arrive; it hands every complete frame to the consumer.
     * Empty frames (the double END) are skipped. A frame longer than {@code maxFrame} or with a bad escape
     * is dropped up to the next END and counted, never buffered without bound. Not thread-safe.
     */
    public static final class Decoder implements TcpFraming.FrameDecoder {
        private final int maxFrame;
        private final Consumer<byte[]> frames;
        private final Runnable onDrop;
        private final byte[] buffer;
        private int length;
        private boolean escaped;
        private boolean discarding;
        private long dropped;

        /** @param onDrop told at once of each dropped frame, in stream order with the frames */
        public Decoder(int maxFrame, Consumer<byte[]> frames, Runnable onDrop) {
            if (maxFrame <= 0) {
                throw new IllegalArgumentException("maxFrame must be positive");
            }
            this.maxFrame = maxFrame;
            this.frames = frames;
            this.onDrop = onDrop;
            this.buffer = new byte[maxFrame];
        }

        @Override
        public void feed(byte[] data, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                accept(data[i] & 0xFF);
            }
        }

        /** Frames dropped so far as oversized or badly escaped. */
        @Override
        public long dropped() {
            return dropped;
        }

        private void accept(int v) {
            if (v == END) {
                if (escaped) {
                    drop(); // "ESC END" is no valid escape
                } else if (!discarding && length > 0) {
                    frames.accept(Arrays.copyOf(buffer, length));
                }
                length = 0;
                escaped = false;
                discarding = false;
                return;
            }
            if (discarding) {
                return;
            }
            if (escaped) {
                escaped = false;
                if (v == ESC_END) {
                    append(END);
                } else if (v == ESC_ESC) {
                    append(ESC);
                } else {
                    discard();
                }
            } else if (v == ESC) {
                escaped = true;
            } else {
                append(v);
            }
        }

        private void append(int v) {
            if (length == maxFrame) {
                discard();
            } else {
                buffer[length++] = (byte) v;
            }
        }

        private void drop() {
            dropped++;
            onDrop.run();
        }

        private void discard() {
            drop();
            discarding = true;
            escaped = false;
            length = 0;
        }
    }
}
