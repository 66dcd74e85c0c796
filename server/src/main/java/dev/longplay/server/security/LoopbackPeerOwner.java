package dev.longplay.server.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which local user owns the sending socket of a loopback TCP connection or UDP datagram, read from Linux's socket
 * tables ({@code /proc/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6}: one row per socket with its local and remote
 * address and port, its state and its owner's uid).
 *
 * <p>Invariants, each closing a way another user could borrow someone else's row:
 * <ul>
 *   <li>TCP: the one row whose local end is the client's address <em>and</em> port and whose remote end is the server's
 *       address and port as seen on the accepted socket; ports alone are not enough (a client may bind its source
 *       port to the server's port on another 127.0.0.x address, which makes the server's own socket match);</li>
 *   <li>TCP: only ESTABLISHED rows with an inode count (TIME_WAIT and orphaned rows carry uid 0, not their owner);</li>
 *   <li>UDP: the rows bound to the sender's address and port, or to the wildcard address and that port (the usual
 *       way an OSC tool binds); UDP rows name no peer, so two candidates (SO_REUSEADDR) mean nobody is known;</li>
 *   <li>more than one matching row, an unreadable table or any other platform: empty, which callers treat as
 *       "not known to be this user".</li>
 * </ul>
 * Addresses are compared after IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) is folded to IPv4, so a dual-stack socket in
 * {@code tcp6} and a plain IPv4 socket in {@code tcp} compare alike. The tables print each 32-bit word of an address
 * in the machine's byte order.
 */
public final class LoopbackPeerOwner {

    private static final Path PROC_NET = Path.of("/proc/net");
    private static final int TCP_ESTABLISHED = 1;

    /** One socket table row, addresses already folded to IPv4 where they are IPv4-mapped. */
    record Row(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort, int state, int uid, long inode) {
    }

    private LoopbackPeerOwner() {
    }

    /** True where this system publishes socket owners (Linux with /proc). */
    public static boolean supported() {
        return Files.isReadable(PROC_NET.resolve("tcp")) && Files.isReadable(Path.of("/proc/self"));
    }

    /** The effective uid of this process (the owner its sockets carry), or -1 where the system does not say. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The uid owning the client socket of an accepted TCP connection, or empty when it is not known for certain.
     *
     * @param remote the client's address and port, as the server's accepted socket sees it
     * @param local  the server's address and port on that same accepted socket
     */
    public static OptionalInt tcpOwnerUid(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || local == null || remote.getAddress() == null || local.getAddress() == null) {
            return OptionalInt.empty();
        }
        return tcpOwner(readTables("tcp", "tcp6"), remote, local);
    }

    /** The uid owning the UDP socket that sent a datagram from {@code sender}, or empty when it is not known for certain. */
    public static OptionalInt udpOwnerUid(InetSocketAddress sender) {
        if (sender == null || sender.getAddress() == null) {
            return OptionalInt.empty();
        }
        return udpOwner(readTables("udp", "udp6"), sender);
    }

    static OptionalInt tcpOwner(List<Row> rows, InetSocketAddress remote, InetSocketAddress local) {
        InetAddress clientAddress = fold(remote.getAddress());
        InetAddress serverAddress = fold(local.getAddress());
        Row found = null;
        for (Row r : rows) {
            if (r.state() == TCP_ESTABLISHED && r.inode() != 0
                    && r.localPort() == remote.getPort() && r.localAddress().equals(clientAddress)
                    && r.remotePort() == local.getPort() && r.remoteAddress().equals(serverAddress)) {
                if (found != null) {
                    return OptionalInt.empty(); // ambiguous
                }
                found = r;
            }
        }
        return found == null ? OptionalInt.empty() : OptionalInt.of(found.uid());
    }

    static OptionalInt udpOwner(List<Row> rows, InetSocketAddress sender) {
        InetAddress senderAddress = fold(sender.getAddress());
        Row found = null;
        for (Row r : rows) {
            if (r.localPort() == sender.getPort() && (r.localAddress().equals(senderAddress) || r.localAddress().isAnyLocalAddress())) {
                if (found != null) {
                    return OptionalInt.empty(); // ambiguous
                }
                found = r;
            }
        }
        return found == null ? OptionalInt.empty() : OptionalInt.of(found.uid());
    }

    private static List<Row> readTables(String... names) {
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            Path table = PROC_NET.resolve(name);
            if (!Files.isReadable(table)) {
                continue; // e.g. no IPv6 in this kernel
            }
            try {
                rows.addAll(parse(Files.readString(table, StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                return List.of(); // a partial view could hide a second candidate: know nothing instead
            }
        }
        return rows;
    }

    /**
     * Parses one table's text. Columns: {@code sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
     * ...}, each address as {@code HEXADDR:HEXPORT}. Lines that do not parse are skipped.
     */
    static List<Row> parse(String table) {
        List<Row> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue;
            }
            try {
                int localColon = f[1].indexOf(':');
                int remoteColon = f[2].indexOf(':');
                rows.add(new Row(address(f[1].substring(0, localColon)), Integer.parseInt(f[1].substring(localColon + 1), 16),
                        address(f[2].substring(0, remoteColon)), Integer.parseInt(f[2].substring(remoteColon + 1), 16),
                        Integer.parseInt(f[3], 16), Integer.parseInt(f[7]), Long.parseLong(f[9])));
            } catch (RuntimeException | UnknownHostException e) {
                // a header or a malformed line
            }
        }
        return rows;
    }

    /** 8 or 32 hex digits, each group of 8 one 32-bit word in this machine's byte order. */
    static InetAddress address(String hex) throws UnknownHostException {
        if (hex.length() != 8 && hex.length() != 32) {
            throw new IllegalArgumentException("not an address: " + hex);
        }
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        return fold(InetAddress.getByAddress(bytes.array()));
    }

    /** IPv4-mapped IPv6 addresses as IPv4 (Java already does this for {@code getByAddress}; kept explicit for any caller). */
    static InetAddress fold(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return a;
    }
}
