package dev.longplay.server.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.OptionalInt;

/**
 * Who is calling, as far as the server itself can tell: the key of rate limits and other per-caller budgets. It is
 * never taken from anything the caller writes in its request (a header is free to rotate).
 *
 * <ul>
 *   <li>a loopback peer whose socket owner is known (Linux): {@code uid:N}, one budget per local user whatever
 *       127.0.0.x address or port it sends from;</li>
 *   <li>a loopback peer of unknown owner: {@code loopback}, one budget for the whole machine (the 127.0.0.0/8 range
 *       offers millions of source addresses to rotate);</li>
 *   <li>any other peer (LAN mode): {@code addr:} and its address.</li>
 * </ul>
 */
public final class PeerKey {

    private PeerKey() {
    }

    /** The key for a TCP connection from {@code remote}, accepted by the server on {@code local}. */
    public static String tcp(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        InetAddress a = remote.getAddress(); // Java already gives IPv4-mapped IPv6 peers as IPv4
        if (!a.isLoopbackAddress()) {
            return "addr:" + a.getHostAddress();
        }
        OptionalInt uid = LoopbackPeerOwner.tcpOwnerUid(remote, local);
        return uid.isPresent() ? "uid:" + uid.getAsInt() : "loopback";
    }
}
