package dev.longplay.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * A small OSC client over UDP or TCP (SLIP): what the tests use to talk to Longplay, and what the server
 * uses to send {@code /b_allocRead} to scsynth. Not thread-safe; one per conversation.
 */
public final class OscClient implements AutoCloseable {
    private static final int MAX_PACKET = 65_507;

    private final OscPacketCodec codec = new OscPacketCodec(MAX_PACKET);
    private final Deque<OSCMessage> pending = new ArrayDeque<>();
    private final InetSocketAddress server;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final SlipFraming.Decoder slip;

    private OscClient(InetSocketAddress server, DatagramSocket udp, Socket tcp) {
        this.server = server;
        this.udp = udp;
        this.tcp = tcp;
        this.slip = tcp == null ? null : new SlipFraming.Decoder(MAX_PACKET, frame -> unpack(codec.decode(frame)), () -> { });
    }

    /** A UDP client on an ephemeral port; loopback when the server is on loopback, so nothing else sees it. */
    public static OscClient udp(InetSocketAddress server) throws IOException {
        InetAddress local = server.getAddress().isLoopbackAddress() ? InetAddress.getLoopbackAddress() : null;
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 0));
        return new OscClient(server, socket, null);
    }

    public static OscClient tcp(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server, 5_000);
        socket.setTcpNoDelay(true);
        return new OscClient(server, null, socket);
    }

    /** The local port replies come back to. */
    public int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    public void send(String address, Object... args) throws IOException {
        send(new OSCMessage(address, OscReplier.wire(args)));
    }

    /** Messages in a bundle carried out at {@code time} (NTP timetag written correctly). */
    public void sendBundle(Instant time, OSCMessage... messages) throws IOException {
        send(new OSCBundle(Arrays.<OSCPacket>asList(messages), OscTimeTags.toJavaOsc(time)));
    }

    public void send(OSCPacket packet) throws IOException {
        sendRaw(codec.encode(packet));
    }

    /** Sends bytes as they are (one datagram, or one SLIP frame over TCP): for tests of malformed input. */
    public void sendRaw(byte[] packet) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(packet, packet.length, server));
        } else {
            sendRawStream(SlipFraming.encode(packet));
        }
    }

    /** TCP only: bytes written to the stream without framing. */
    public void sendRawStream(byte[] bytes) throws IOException {
        OutputStream out = tcp.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** The next message (bundles unpacked, malformed packets skipped), or null after {@code timeout}. */
    public OSCMessage receive(Duration timeout) throws IOException {
        return await(m -> true, timeout);
    }

    /** The next message matching {@code wanted}; others received meanwhile are discarded. Null on timeout. */
    public OSCMessage await(Predicate<OSCMessage> wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (!pending.isEmpty()) {
                OSCMessage m = pending.poll();
                if (wanted.test(m)) {
                    return m;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            readSome((int) Math.max(1, left / 1_000_000));
        }
    }

    /** The next message with this address; null on timeout. */
    public OSCMessage await(String address, Duration timeout) throws IOException {
        return await(m -> m.getAddress().equals(address), timeout);
    }

    private void readSome(int timeoutMillis) throws IOException {
        try {
            if (udp != null) {
                byte[] buffer = new byte[MAX_PACKET];
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                udp.setSoTimeout(timeoutMillis);
                udp.receive(p);
                unpack(codec.decode(Arrays.copyOf(buffer, p.getLength())));
            } else {
                byte[] buffer = new byte[8192];
                tcp.setSoTimeout(timeoutMillis);
                InputStream in = tcp.getInputStream();
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("connection closed by " + server);
                }
                slip.feed(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing arrived in time; the caller's deadline decides
        }
    }

    private void unpack(OscPacketCodec.Decoded decoded) {
        if (decoded instanceof OscPacketCodec.Packet p) {
            flatten(p.packet());
        }
    }

    private void flatten(OSCPacket packet) {
        if (packet instanceof OSCMessage m) {
            pending.add(m);
        } else {
            ((OSCBundle) packet).getPackets().forEach(this::flatten);
        }
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
    }
}
