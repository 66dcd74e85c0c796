package dev.longplay.server.security;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A client run as another user by {@link OtherUser}: it depends on the JDK alone, so it runs from a copy of its own
 * class file. It binds its socket to a chosen local address and port (the attacker's trick), sends the bytes of
 * standard input, and prints the reply.
 *
 * <pre>
 * tcp BIND_ADDR BIND_PORT HOST PORT   send stdin over TCP, print everything read until the server closes
 * udp BIND_ADDR BIND_PORT HOST PORT   send stdin as one datagram, print the first reply datagram (5 s timeout)
 * </pre>
 * Bind port 0 lets the system choose.
 */
public final class AttackerClient {

    private AttackerClient() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[3]), Integer.parseInt(args[4]));
        byte[] payload = System.in.readAllBytes();
        if (args[0].equals("tcp")) {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(bind);
                s.connect(target, 5000);
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(payload);
                out.flush();
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                InputStream in = s.getInputStream();
                in.transferTo(reply);
                System.out.write(reply.toByteArray());
            }
        } else {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.setReuseAddress(true);
                s.bind(bind);
                s.setSoTimeout(5000);
                s.send(new DatagramPacket(payload, payload.length, target));
                byte[] buf = new byte[65_536];
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                s.receive(reply);
                System.out.write(buf, 0, reply.getLength());
            }
        }
        System.out.flush();
    }
}
