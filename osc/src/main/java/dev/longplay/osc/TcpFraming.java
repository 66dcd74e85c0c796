package dev.longplay.osc;

import java.util.function.Consumer;

/**
 * How packets are framed on a TCP stream. OSC 1.1 says SLIP, which Longplay speaks and documents; liblo
 * and sclang still send OSC 1.0 size prefixes. A SLIP stream starts with END (0xC0), a size prefix with
 * 0x00 (no packet is 12 MB), so the first byte of a connection decides, and replies use the same framing.
 */
public enum TcpFraming {
    SLIP,
    LENGTH_PREFIX;

    /** A streaming decoder that hands each complete frame to a consumer and counts dropped ones. */
    public interface FrameDecoder {
        void feed(byte[] data, int offset, int count);

        long dropped();
    }

    public static TcpFraming detect(int firstByte) {
        return (firstByte & 0xFF) == SlipFraming.END ? SLIP : LENGTH_PREFIX;
    }

    public byte[] encode(byte[] packet) {
        return this == SLIP ? SlipFraming.encode(packet) : LengthPrefixFraming.encode(packet);
    }

    public FrameDecoder decoder(int maxFrame, Consumer<byte[]> frames, Runnable onDrop) {
        return this == SLIP ? new SlipFraming.Decoder(maxFrame, frames, onDrop)
                : new LengthPrefixFraming.Decoder(maxFrame, frames, onDrop);
    }
}
