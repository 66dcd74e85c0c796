package dev.longplay.osc;

import com.illposed.osc.OSCMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client as the transport sees it: a UDP host:port or a TCP connection, and what it has told us. Its owner and
 * trust are kept here and decided by {@link OscTrust}.
 */
final class OscSession implements OscReplier {
    private static final Logger log = LoggerFactory.getLogger(OscSession.class);

    /** Delivers an encoded packet; UDP sends to {@code to}, TCP writes to its connection. */
    interface Sink {
        void send(byte[] packet, InetSocketAddress to);
    }

    /** The owner of the client's socket as last read from the system's tables, and when (System.nanoTime()). */
    record Owner(OptionalInt uid, long checkedNanos) {
    }

    private final String transport;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Sink sink;
    private final OscPacketCodec codec;
    /** Commands of this client waiting in the scheduler. */
    final AtomicInteger scheduled = new AtomicInteger();
    private volatile Owner owner;
    /** Set by /auth: the owner the client had then (a port taken over by another user does not inherit it). */
    private volatile Owner authenticatedAs;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile String ownerKey;
    private volatile int clientId;
    private volatile int replyPort;

    /** @param local the server's socket the client talks to */
    OscSession(String transport, InetSocketAddress remote, InetSocketAddress local, Sink sink, OscPacketCodec codec) {
        this.transport = transport;
        this.remote = remote;
        this.local = local;
        this.sink = sink;
        this.codec = codec;
    }

    InetSocketAddress local() {
        return local;
    }

    Owner owner() {
        return owner;
    }

    void owner(Owner o) {
        owner = o;
    }

    Owner authenticatedAs() {
        return authenticatedAs;
    }

    void authenticate(Owner as) {
        authenticatedAs = as;
    }

    void deauthenticate() {
        authenticatedAs = null;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    /** Whom this client's shares are counted against: its owner's uid, else its host. Null until first decided. */
    String ownerKey() {
        return ownerKey;
    }

    void ownerKey(String key) {
        ownerKey = key;
    }

    String transport() {
        return transport;
    }

    InetSocketAddress remote() {
        return remote;
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
