package dev.longplay.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Which local user owns the other end of a loopback TCP connection, read from Linux's socket tables
 * ({@code /proc/net/tcp} and {@code tcp6}: each row names a socket's local and remote port and its owner's uid).
 * The install token is a file only its owner can read; a console session must not give more than that, so it opens
 * only for a browser run by the same user as the server.
 */
public final class LoopbackPeerOwner {

    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

    private LoopbackPeerOwner() {
    }

    /** True where this system publishes socket owners (Linux). */
    public static boolean supported() {
        return Files.isReadable(TABLES[0]) && Files.isReadable(Path.of("/proc/self"));
    }

    /** The uid of this process. */
    public static int selfUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * The uid owning the client socket of a connection from {@code clientPort} to {@code serverPort}, or empty when
     * no such socket is in this machine's tables (a peer on another host or in another network namespace).
     */
    public static OptionalInt ownerOf(int clientPort, int serverPort) throws IOException {
        for (Path table : TABLES) {
            if (Files.isReadable(table)) {
                OptionalInt uid = find(Files.readString(table, StandardCharsets.US_ASCII), clientPort, serverPort);
                if (uid.isPresent()) {
                    return uid;
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Finds, in one table's text, the socket whose local port is {@code clientPort} and remote port {@code serverPort}
     * (the server's own socket of the same connection has them the other way round).
     */
    static OptionalInt find(String table, int clientPort, int serverPort) {
        for (String line : table.split("\n")) {
            // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...", addresses as HEXADDR:HEXPORT
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[0].endsWith(":") || port(f[1]) != clientPort || port(f[2]) != serverPort) {
                continue;
            }
            try {
                return OptionalInt.of(Integer.parseInt(f[7]));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
