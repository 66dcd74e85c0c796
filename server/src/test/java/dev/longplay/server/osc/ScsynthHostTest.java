package dev.longplay.server.osc;

import dev.longplay.osc.OscCommandException;
import dev.longplay.osc.OscErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where /clip/load_sc may send, decided without ever resolving a name. */
class ScsynthHostTest {

    @Test
    void literalsAreReadWithoutAnyNameLookup(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 999.999.999.999 scsynth.example\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                ScsynthHostProbe.class.getName(), "999.999.999.999", "scsynth.example")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertEquals(List.of("999.999.999.999 refused E_BAD_ARG", "scsynth.example refused E_BAD_ARG",
                "999.999.999.999 resolves 127.0.0.1", "scsynth.example resolves 127.0.0.1"),
                out.lines().filter(l -> l.contains(" refused ") || l.contains(" accepted ") || l.contains(" resolves ")).toList(), out);
    }

    @Test
    void onlyThisMachineOrTheSendersOwnAddress() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertEquals("127.0.0.1", OscEdge.scsynthAddress("127.0.0.1", loopback).getHostAddress());
        assertEquals("127.0.0.1", OscEdge.scsynthAddress("localhost", loopback).getHostAddress());
        assertTrue(OscEdge.scsynthAddress("::1", loopback).isLoopbackAddress());
        assertTrue(OscEdge.scsynthAddress("127.0.0.2", loopback).isLoopbackAddress());
        InetAddress lanClient = InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 1, 20});
        assertEquals(lanClient, OscEdge.scsynthAddress("192.168.1.20", lanClient));
        for (String host : List.of("192.168.1.21", "10.0.0.1", "8.8.8.8", "::ffff:8.8.8.8", "2001:db8::1")) {
            OscCommandException e = assertThrows(OscCommandException.class, () -> OscEdge.scsynthAddress(host, lanClient), host);
            assertEquals(OscErrorCode.E_BAD_ARG, e.code());
            assertTrue(e.getMessage().contains("this machine"), e.getMessage());
        }
    }

    @Test
    void ipLiteralParsing() {
        assertEquals("10.1.2.255", IpLiteral.parse("10.1.2.255").orElseThrow().getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", IpLiteral.parse("::1").orElseThrow().getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:1", IpLiteral.parse("2001:db8::1").orElseThrow().getHostAddress());
        assertEquals("1:2:3:4:5:6:7:8", IpLiteral.parse("1:2:3:4:5:6:7:8").orElseThrow().getHostAddress());
        assertEquals("127.0.0.1", IpLiteral.parse("::ffff:127.0.0.1").orElseThrow().getHostAddress());
        assertEquals("0:0:0:0:0:0:0:0", IpLiteral.parse("::").orElseThrow().getHostAddress());
        for (String bad : List.of("999.999.999.999", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "localhost",
                "example.com", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::1", "fe80::1%eth0", "12345::1", "::g", "", "١.٢.٣.٤",
                "1.2.3.-4", "[::1]", "127.0.0.1:57110")) {
            assertTrue(IpLiteral.parse(bad).isEmpty(), bad);
        }
    }
}
