package dev.longplay.server.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleSessionsTest {

    static final String HOST = "127.0.0.1:7860";
    static final String ORIGIN = "http://127.0.0.1:7860";

    @Test
    void sessionsNeedTheirOwnCsrfValueAndThisOriginAndExpireWhenIdle() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        ConsoleSessions s = new ConsoleSessions(now::get);
        ConsoleSessions.Opened a = s.open();
        ConsoleSessions.Opened b = s.open();
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.id(), a.csrf());
        assertTrue(s.authorises(a.id(), a.csrf(), HOST, ORIGIN, "same-origin"));
        assertTrue(s.authorises(a.id(), a.csrf(), HOST, ORIGIN, null), "older browsers send no Sec-Fetch-Site");
        assertFalse(s.authorises(a.id(), b.csrf(), HOST, ORIGIN, "same-origin"));
        assertFalse(s.authorises(a.id(), null, HOST, ORIGIN, "same-origin"));
        assertFalse(s.authorises(a.id(), a.csrf(), HOST, "http://localhost:7860", "same-origin"));
        assertFalse(s.authorises(a.id(), a.csrf(), HOST, null, "same-origin"));
        assertFalse(s.authorises(a.id(), a.csrf(), HOST, ORIGIN, "same-site"));
        assertFalse(s.authorises("nope", a.csrf(), HOST, ORIGIN, "same-origin"));

        // Use keeps a session alive; 12 idle hours end it.
        now.set(now.get().plus(Duration.ofHours(11)));
        assertTrue(s.authorises(a.id(), a.csrf(), HOST, ORIGIN, "same-origin"));
        now.set(now.get().plus(Duration.ofHours(11)));
        assertTrue(s.authorises(a.id(), a.csrf(), HOST, ORIGIN, "same-origin"));
        assertFalse(s.authorises(b.id(), b.csrf(), HOST, ORIGIN, "same-origin"), "b was idle for 22 h");
    }

    @Test
    void theLeastRecentlyUsedSessionGoesWhenTheCapIsReached() {
        ConsoleSessions s = new ConsoleSessions();
        List<ConsoleSessions.Opened> opened = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            opened.add(s.open());
        }
        assertTrue(s.authorises(opened.get(0).id(), opened.get(0).csrf(), HOST, ORIGIN, "same-origin")); // now the most recent
        s.open();
        assertEquals(64, s.size());
        assertTrue(s.authorises(opened.get(0).id(), opened.get(0).csrf(), HOST, ORIGIN, "same-origin"));
        assertFalse(s.authorises(opened.get(1).id(), opened.get(1).csrf(), HOST, ORIGIN, "same-origin"));
    }

    @Test
    void openingNeedsASameOriginFetchFromThisVeryOrigin() {
        assertTrue(ConsoleSessions.refuseOpening(HOST, ORIGIN, "same-origin").isEmpty());
        assertTrue(ConsoleSessions.refuseOpening("LOCALHOST:7860", "http://localhost:7860", "same-origin").isEmpty());
        assertTrue(ConsoleSessions.refuseOpening(HOST, ORIGIN, null).isPresent());
        assertTrue(ConsoleSessions.refuseOpening(HOST, ORIGIN, "none").isPresent());
        assertTrue(ConsoleSessions.refuseOpening(HOST, "https://127.0.0.1:7860", "same-origin").isPresent());
        assertTrue(ConsoleSessions.refuseOpening(HOST, "http://127.0.0.1:7861", "same-origin").isPresent());
        assertTrue(ConsoleSessions.refuseOpening(HOST, null, "same-origin").isPresent());
    }
}
