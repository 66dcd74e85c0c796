package dev.longplay.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityTest {

    @Test
    void confinementResolvesLinksBeforeCheckingContainment(@TempDir Path dir) throws Exception {
        Path inside = Files.createDirectories(dir.resolve("inside"));
        Path secret = Files.writeString(dir.resolve("secret"), "s");
        PathConfinement c = new PathConfinement(inside);
        Files.writeString(inside.resolve("ok.wav"), "x");
        assertEquals(inside.toRealPath().resolve("ok.wav"), c.file("ok.wav"));
        assertEquals(inside.toRealPath().resolve("new.wav"), c.file("new.wav"));
        Files.createSymbolicLink(inside.resolve("link.wav"), secret);
        Files.createSymbolicLink(inside.resolve("sub"), dir);
        Files.createSymbolicLink(inside.resolve("dangling.wav"), dir.resolve("nowhere"));
        assertThrows(PathConfinement.ConfinementException.class, () -> c.file("link.wav"));
        assertThrows(PathConfinement.ConfinementException.class, () -> c.check(inside.resolve("sub/secret")));
        assertThrows(PathConfinement.ConfinementException.class, () -> c.check(inside.resolve("sub/new-file")));
        assertThrows(PathConfinement.ConfinementException.class, () -> c.file("dangling.wav"));
        for (String bad : new String[]{"..", ".", "", "a/b", "..\\x", "a\0b"}) {
            assertThrows(PathConfinement.ConfinementException.class, () -> c.file(bad), bad);
        }
        assertThrows(PathConfinement.ConfinementException.class, () -> c.check(inside.resolve("../secret")));
    }

    @Test
    void theTokenFileIsOwnerOnlyAndReplacedIfExposed(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config");
        InstallToken t = InstallToken.loadOrCreate(config);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertEquals(t.value(), InstallToken.loadOrCreate(config).value(), "the token is stable across starts");
        assertTrue(t.authorises("Bearer " + t.value()));
        assertFalse(t.authorises("Bearer " + t.value() + "x"));
        assertFalse(t.authorises(t.value()));
        assertFalse(t.authorises(null));
        Files.setPosixFilePermissions(t.file(), PosixFilePermissions.fromString("rw-r--r--"));
        InstallToken replaced = InstallToken.loadOrCreate(config);
        assertNotEquals(t.value(), replaced.value());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(replaced.file())));
    }

    @Test
    void hostAndOriginRules() {
        HostOriginGuard g = new HostOriginGuard(Set.of());
        assertTrue(g.check("127.0.0.1:7860", null).isEmpty());
        assertTrue(g.check("localhost", null).isEmpty());
        assertTrue(g.check("[::1]:7860", null).isEmpty());
        assertTrue(g.check("127.1.2.3", null).isEmpty());
        assertTrue(g.check("127.0.0.1:7860", "http://localhost:3000").isEmpty());
        assertTrue(g.check("attacker.example", null).isPresent());
        assertTrue(g.check("localhost.attacker.example", null).isPresent());
        assertTrue(g.check("127.0.0.1.nip.io", null).isPresent());
        assertTrue(g.check("127.0.0.256", null).isPresent());
        assertTrue(g.check(null, null).isPresent());
        assertTrue(g.check("localhost:abc", null).isPresent());
        assertTrue(g.check("localhost", "null").isPresent());
        assertTrue(g.check("localhost", "http://attacker.example").isPresent());
        assertTrue(g.check("localhost", "file://").isPresent());
        assertTrue(g.check("localhost", "http://user@localhost").isPresent());
        assertTrue(new HostOriginGuard(Set.of("192.168.1.5")).check("192.168.1.5:7860", null).isEmpty());
    }

    @Test
    void rateLimitsArePerClientAndRefill() {
        AtomicLong now = new AtomicLong();
        RateLimiter r = new RateLimiter(2, 1, now::get);
        assertTrue(r.tryAcquire("a"));
        assertTrue(r.tryAcquire("a"));
        assertFalse(r.tryAcquire("a"));
        assertTrue(r.tryAcquire("b"), "another client has its own bucket");
        assertEquals(1, r.retryAfterSeconds("a"));
        now.addAndGet(1_000_000_000L);
        assertTrue(r.tryAcquire("a"));
        assertFalse(r.tryAcquire("a"));
    }
}
