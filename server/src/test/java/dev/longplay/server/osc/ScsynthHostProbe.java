package dev.longplay.server.osc;

import dev.longplay.osc.OscCommandException;

import java.net.InetAddress;

/**
 * Run in a JVM whose name service is a hosts file ({@code -Djdk.net.hosts.file}) that maps every host given here to
 * 127.0.0.1: prints "accepted" or "refused" per host as /clip/load_sc's check decides. A check that looked a name up
 * would get 127.0.0.1 back and accept it.
 */
public final class ScsynthHostProbe {
    private ScsynthHostProbe() {
    }

    public static void main(String[] hosts) throws Exception {
        InetAddress sender = InetAddress.getLoopbackAddress();
        for (String host : hosts) {
            try {
                System.out.println(host + " accepted " + OscEdge.scsynthAddress(host, sender).getHostAddress());
            } catch (OscCommandException e) {
                System.out.println(host + " refused " + e.code());
            }
        }
        // Control: the hosts file is in effect, so a lookup would have found these names.
        for (String host : hosts) {
            System.out.println(host + " resolves " + InetAddress.getByName(host).getHostAddress());
        }
    }
}
