package dev.longplay.osc;

import com.illposed.osc.OSCMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/** One client as the transport sees it: a UDP host:port or a TCP connection, and what it has told us. */
final class OscSession implements OscReplier {
    private static final Logger log = LoggerFactory.getLogger(OscSession.class);

    /** Delivers an encoded packet; UDP sends to {@code to}, TCP writes to its connection. */
    interface Sink {
        void send(byte[] packet, InetSocketAddress to);
    }

    private final String transport;
    private final InetSocketAddress remote;
    private final Sink sink;
    private final OscPacketCodec codec;
    private volatile boolean authenticated;
    private volatile int clientId;
    private volatile int replyPort;

    OscSession(String transport, InetSocketAddress remote, Sink sink, OscPacketCodec codec) {
        this.transport = transport;
        this.remote = remote;
        this.sink = sink;
        this.codec = codec;
    }

    String transport() {
        return transport;
    }

    InetSocketAddress remote() {
        return remote;
    }

    boolean authenticated() {
        return authenticated;
    }

    void authenticate() {
        authenticated = true;
    }

    int clientId() {
        return clientId;
    }

    /** Registered as {@code clientId} (0 = not registered); replyPort 0 keeps replies on the sender's port. */
    void registration(int clientId, int replyPort) {
        this.clientId = clientId;
        this.replyPort = transport.equals("udp") ? replyPort : 0; // TCP replies share the connection
    }

    @Override
    public InetSocketAddress target() {
        int port = replyPort;
        return port == 0 ? remote : new InetSocketAddress(remote.getAddress(), port);
    }

    @Override
    public boolean registered() {
        return clientId != 0;
    }

    @Override
    public void send(OSCMessage message) {
        byte[] packet;
        try {
            packet = codec.encode(message);
        } catch (IllegalArgumentException e) {
            log.warn("Reply {} to {} not sent: {}", message.getAddress(), remote, e.getMessage());
            return;
        }
        sink.send(packet, target());
    }

    @Override
    public String toString() {
        return transport + "://" + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
