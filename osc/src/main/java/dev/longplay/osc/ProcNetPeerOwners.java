package dev.longplay.osc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Socket owners from Linux's tables ({@code /proc/net/udp}, {@code udp6}, {@code tcp}, {@code tcp6}: one row per
 * socket with its local and remote address and port and its owner's uid). A peer is matched by its full address and
 * port (IPv4-mapped IPv6 rows included, since Java's sockets are dual-stack); when several sockets match with
 * different owners the answer is unknown rather than a guess.
 *
 * <p>Only this network namespace's sockets are listed: a peer in another namespace (a container) is unknown. So is a
 * sender whose socket is closed by the time its packet is read (one-shot tools such as liblo's {@code oscsend}): a
 * closed socket has no owner left to read, and rows of closed sockets show uid 0 whoever opened them.
 */
final class ProcNetPeerOwners implements PeerOwners {
    private static final Path NET = Path.of("/proc/net");
    private static final Path SELF = Path.of("/proc/self");
    private static final String LISTEN = "0A";

    private final OptionalInt self;

    ProcNetPeerOwners() {
        OptionalInt uid;
        try {
            uid = OptionalInt.of((Integer) Files.getAttribute(SELF, "unix:uid"));
        } catch (IOException | RuntimeException e) {
            uid = OptionalInt.empty();
        }
        this.self = uid;
    }

    static boolean supported() {
        return Files.isReadable(NET.resolve("udp")) && Files.isReadable(NET.resolve("tcp")) && Files.isReadable(SELF);
    }

    @Override
    public OptionalInt selfUid() {
        return self;
    }

    @Override
    public OptionalInt udpOwner(InetSocketAddress sender, InetSocketAddress server) {
        return owner("udp", sender, server, true);
    }

    @Override
    public OptionalInt tcpOwner(InetSocketAddress client, InetSocketAddress server) {
        return owner("tcp", client, server, false);
    }

    private static OptionalInt owner(String table, InetSocketAddress peer, InetSocketAddress server, boolean datagram) {
        TreeSet<Integer> uids = new TreeSet<>();
        for (String name : new String[]{table, table + "6"}) {
            Path file = NET.resolve(name);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                uids.addAll(matches(Files.readString(file, StandardCharsets.US_ASCII), peer, server, datagram));
            } catch (IOException e) {
                return OptionalInt.empty();
            }
        }
        return uids.size() == 1 ? OptionalInt.of(uids.first()) : OptionalInt.empty();
    }

    /**
     * The owners of the rows in one table's text that can be {@code peer}'s socket: local address and port equal to
     * the peer's (a UDP socket may also be bound to the wildcard address), remote port the server's (or none, for an
     * unconnected UDP socket). The server's own sockets never match (their local port is the server's).
     */
    static TreeSet<Integer> matches(String table, InetSocketAddress peer, InetSocketAddress server, boolean datagram) {
        TreeSet<Integer> uids = new TreeSet<>();
        byte[] peerAddress = normalise(peer.getAddress().getAddress());
        byte[] serverAddress = normalise(server.getAddress().getAddress());
        boolean serverWildcard = wildcard(serverAddress);
        for (String line : table.split("\n")) {
            // "sl local_address rem_address st tx:rx tr:when retrnsmt uid ...", addresses as HEXADDR:HEXPORT
            String[] f = line.trim().split("\\s+");
            // Inode 0: no process holds the socket any more (closed, TIME_WAIT); such rows show uid 0 whoever
            // opened them, so they say nothing about an owner.
            if (f.length < 10 || !f[0].endsWith(":") || f[9].equals("0")) {
                continue;
            }
            Endpoint local = Endpoint.parse(f[1]);
            Endpoint remote = Endpoint.parse(f[2]);
            if (local == null || remote == null || local.port != peer.getPort() || (!datagram && f[3].equals(LISTEN))) {
                continue;
            }
            boolean localFits = Arrays.equals(local.address, peerAddress) || (datagram && wildcard(local.address));
            boolean unconnected = datagram && remote.port == 0 && wildcard(remote.address);
            boolean toServer = remote.port == server.getPort()
                    && (serverWildcard || Arrays.equals(remote.address, serverAddress));
            if (localFits && (unconnected || toServer)) {
                try {
                    uids.add(Integer.parseInt(f[7]));
                } catch (NumberFormatException e) {
                    uids.add(-1); // an unreadable row makes the answer ambiguous, never trusted
                }
            }
        }
        return uids;
    }

    /** IPv4-mapped IPv6 addresses as IPv4, so both tables compare alike. */
    static byte[] normalise(byte[] a) {
        if (a.length == 16) {
            boolean mapped = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = a[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(a, 12, 16);
            }
        }
        return a;
    }

    private static boolean wildcard(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** One {@code HEXADDR:HEXPORT} column; the address is 32-bit words in this machine's byte order. */
    record Endpoint(byte[] address, int port) {
        static Endpoint parse(String column) {
            int colon = column.indexOf(':');
            if (colon != 8 && colon != 32) {
                return null;
            }
            try {
                byte[] address = new byte[colon / 2];
                boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
                for (int w = 0; w < colon / 8; w++) {
                    long word = Long.parseLong(column.substring(w * 8, w * 8 + 8), 16);
                    for (int b = 0; b < 4; b++) {
                        int shift = little ? 8 * b : 8 * (3 - b);
                        address[w * 4 + b] = (byte) (word >>> shift);
                    }
                }
                return new Endpoint(normalise(address), Integer.parseInt(column.substring(colon + 1), 16));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(address).getHostAddress() + ":" + port;
            } catch (IOException e) {
                return "?:" + port;
            }
        }
    }
}
