package dev.longplay.osc;

import com.illposed.osc.OSCMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Longplay's OSC server sockets: UDP on a {@link DatagramChannel} and TCP with SLIP framing (OSC 1.1, or
 * OSC 1.0 size prefixes for liblo and sclang, see {@link TcpFraming}), both bound to the configured address
 * (loopback unless LAN mode). Datagrams are received here, not by JavaOSC's OSCPortIn, whose listener
 * thread dies silently on the first garbage packet.
 *
 * <p>Threads: one UDP receiver, one TCP acceptor, two per TCP connection (reader, and a writer behind a
 * bounded queue, ending within a second of the connection closing, so a client that stops reading cannot block a job thread), and the bundle scheduler.
 *
 * <p>TCP connections are capped in total and per owner (see {@link OscClientLimits}), and closed when idle, or when
 * not trusted and not authenticated soon after connecting, so idle sockets of one user cannot lock out the rest.
 */
public final class OscServerTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OscServerTransport.class);
    /** Replies queued per TCP connection before a client that does not read is disconnected. */
    private static final int TCP_SEND_QUEUE = 1024;

    private final OscServerConfig config;
    private final OscPacketCodec codec;
    private final OscClientRegistry registry;
    private final OscDispatcher dispatcher;
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    /** Open TCP connections per owner key; guarded by itself. */
    private final Map<String, Integer> connectionsPerOwner = new HashMap<>();
    private final InetSocketAddress udpLocal;
    private volatile boolean open = true;

    private OscServerTransport(OscServerConfig config, OscRequestHandler handler) throws IOException {
        this.config = config;
        this.codec = new OscPacketCodec(config.maxPacketBytes());
        this.registry = new OscClientRegistry(config.maxClients());
        this.dispatcher = new OscDispatcher(config, handler, registry, codec);
        DatagramChannel u = null;
        ServerSocket t = null;
        try {
            if (config.udpPort() >= 0) {
                u = DatagramChannel.open();
                u.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                u.bind(new InetSocketAddress(config.bindAddress(), config.udpPort()));
            }
            if (config.tcpPort() >= 0) {
                t = new ServerSocket();
                t.bind(new InetSocketAddress(config.bindAddress(), config.tcpPort()), 16);
            }
        } catch (IOException e) {
            closeQuietly(u);
            closeQuietly(t);
            dispatcher.close();
            throw e;
        }
        this.udp = u;
        this.tcp = t;
        this.udpLocal = u == null ? null : (InetSocketAddress) u.getLocalAddress();
    }

    /** Binds the sockets and starts receiving; the handler gets every checked command (see its contract). */
    public static OscServerTransport start(OscServerConfig config, OscRequestHandler handler) throws IOException {
        OscServerTransport transport = new OscServerTransport(config, handler);
        if (config.lanMode()) {
            log.warn("OSC in LAN mode: listening on {} (UDP {}, TCP {}); clients must /auth with the shared secret",
                    config.bindAddress().getHostAddress(), transport.udpAddress().map(InetSocketAddress::getPort).orElse(-1),
                    transport.tcpAddress().map(InetSocketAddress::getPort).orElse(-1));
        }
        if (transport.udp != null) {
            daemon("osc-udp", transport::receiveUdp).start();
        }
        if (transport.tcp != null) {
            daemon("osc-tcp-accept", transport::acceptTcp).start();
        }
        return transport;
    }

    public Optional<InetSocketAddress> udpAddress() {
        try {
            return udp == null ? Optional.empty() : Optional.of((InetSocketAddress) udp.getLocalAddress());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Optional<InetSocketAddress> tcpAddress() {
        return tcp == null ? Optional.empty() : Optional.of((InetSocketAddress) tcp.getLocalSocketAddress());
    }

    /** Sends a notification to every client registered with {@code /notify 1}. */
    public void broadcast(OSCMessage message) {
        for (OscSession s : registry.registered()) {
            s.send(message);
        }
    }

    public OscTransportStats stats() {
        return dispatcher.stats();
    }

    public OscServerConfig config() {
        return config;
    }

    private void receiveUdp() {
        // One byte more than the cap, so that an oversized datagram is seen as such, not silently cut.
        ByteBuffer buffer = ByteBuffer.allocate(config.maxPacketBytes() + 1);
        while (open) {
            try {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) udp.receive(buffer);
                buffer.flip();
                if (buffer.remaining() > config.maxPacketBytes()) {
                    dispatcher.countOversized();
                    continue;
                }
                dispatcher.onPacket(buffer, from, from.getAddress(),
                        () -> registry.udpSession(from, f -> new OscSession("udp", f, udpLocal, this::sendUdp, codec)));
            } catch (ClosedChannelException e) {
                break;
            } catch (Throwable e) { // one packet must never end the receiver
                if (open) {
                    log.error("OSC UDP receive error", e);
                }
            }
        }
    }

    private void sendUdp(byte[] packet, InetSocketAddress to) {
        try {
            udp.send(ByteBuffer.wrap(packet), to);
        } catch (IOException e) {
            log.debug("UDP reply to {} failed: {}", to, e.getMessage());
        }
    }

    private void acceptTcp() {
        while (open) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (open) {
                    log.error("OSC TCP accept failed", e);
                }
                continue;
            }
            try {
                admit(socket);
            } catch (RuntimeException e) {
                log.error("OSC TCP connection from {} failed", socket.getRemoteSocketAddress(), e);
                closeQuietly(socket);
            }
        }
    }

    /** Serves {@code socket} unless the total or its owner's share of connections is taken. */
    private void admit(Socket socket) {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        BlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(TCP_SEND_QUEUE);
        // Decided by the client's first byte; nothing is sent to a client before it has sent something.
        AtomicReference<TcpFraming> framing = new AtomicReference<>(TcpFraming.SLIP);
        OscSession session = new OscSession("tcp", remote, local, (packet, to) -> {
            if (!socket.isClosed() && !outbox.offer(framing.get().encode(packet))) {
                log.warn("OSC TCP client {} does not read its replies; disconnecting", remote);
                closeQuietly(socket);
            }
        }, codec);
        dispatcher.trust().ownTcp(session);
        String owner = session.ownerKey();
        synchronized (connectionsPerOwner) {
            int mine = connectionsPerOwner.getOrDefault(owner, 0);
            if (connections.size() >= config.maxTcpConnections() || mine >= config.limits().maxTcpPerOwner()) {
                log.debug("OSC TCP connection from {} ({}) refused: {} open, {} of them its owner's", remote, owner,
                        connections.size(), mine);
                closeQuietly(socket);
                return;
            }
            connectionsPerOwner.put(owner, mine + 1);
            connections.add(socket);
        }
        serveTcp(socket, session, outbox, framing);
    }

    private void serveTcp(Socket socket, OscSession session, BlockingQueue<byte[]> outbox,
                          AtomicReference<TcpFraming> framing) {
        InetSocketAddress remote = session.remote();
        long acceptedNanos = System.nanoTime();
        String name = "osc-tcp-" + remote.getAddress().getHostAddress() + ":" + remote.getPort();
        daemon(name + "-out", () -> writeTcp(socket, outbox)).start();
        daemon(name, () -> {
            byte[] buffer = new byte[8192];
            TcpFraming.FrameDecoder decoder = null;
            try (InputStream in = socket.getInputStream()) {
                int n;
                while (true) {
                    socket.setSoTimeout(readTimeoutMillis(session, acceptedNanos));
                    if ((n = in.read(buffer)) <= 0) {
                        break;
                    }
                    if (decoder == null) {
                        framing.set(TcpFraming.detect(buffer[0]));
                        decoder = framing.get().decoder(config.maxPacketBytes(),
                                frame -> dispatcher.onPacket(ByteBuffer.wrap(frame), session, remote.getAddress(), () -> session),
                                dispatcher::countOversized);
                    }
                    decoder.feed(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                log.debug("OSC TCP {} closed: idle, or not authenticated in time", remote);
            } catch (IOException e) {
                log.debug("OSC TCP {} closed: {}", remote, e.getMessage());
            } catch (Throwable e) {
                log.error("OSC TCP {} reader failed", remote, e);
            } finally {
                registry.unregister(session);
                synchronized (connectionsPerOwner) {
                    connections.remove(socket);
                    connectionsPerOwner.computeIfPresent(session.ownerKey(), (k, v) -> v <= 1 ? null : v - 1);
                }
                closeQuietly(socket);
            }
        }).start();
    }

    /**
     * How long the next read may wait: the idle timeout for a trusted connection, else what is left of the time an
     * untrusted one has to authenticate (at least 1 ms: 0 would mean forever).
     */
    private int readTimeoutMillis(OscSession session, long acceptedNanos) {
        long now = System.nanoTime();
        OscClientLimits limits = config.limits();
        long millis = limits.tcpIdleTimeout().toMillis();
        if (!dispatcher.trust().trusted(session, now)) {
            long left = limits.tcpAuthTimeout().toMillis() - (now - acceptedNanos) / 1_000_000;
            millis = Math.min(millis, left);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    private static void writeTcp(Socket socket, BlockingQueue<byte[]> outbox) {
        try (OutputStream out = socket.getOutputStream()) {
            while (!socket.isClosed()) {
                byte[] frame = outbox.poll(1, TimeUnit.SECONDS);
                if (frame == null) {
                    continue;
                }
                out.write(frame);
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        open = false;
        closeQuietly(udp);
        closeQuietly(tcp);
        for (Socket s : connections) {
            closeQuietly(s);
        }
        dispatcher.close();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on shutdown or error; nothing more to do
        }
    }
}
