package dev.longplay.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sessions of the web console, the one client that must not hold the install token (a page's script could leak
 * it). The page proves it is served by this server (a same-origin request: {@code Sec-Fetch-Site: same-origin}
 * and an Origin equal to the server's own) and gets an HttpOnly, SameSite=Strict cookie plus a CSRF value; a write
 * counts as authorised only with the cookie, the matching {@code X-Longplay-CSRF} header and this server's Origin.
 * Browsers send the cookie to other ports of the same host too, and a foreign page could trigger a request that
 * carries it: the custom header makes that request need a CORS preflight, which never allows credentials here.
 *
 * <p>Sessions live in memory only (a restart signs every page out; the page opens a new session), at most
 * {@value #MAX_SESSIONS} at once (the oldest go first), each for {@link #LIFETIME} after its last use.
 */
public final class ConsoleSessions {

    public static final String CSRF_HEADER = "X-Longplay-CSRF";
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 64;
    private static final int BYTES = 32;

    private record Session(String csrf, Instant lastUse) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Supplier<Instant> clock;
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true); // access order: eldest = least recent

    public ConsoleSessions() {
        this(Instant::now);
    }

    ConsoleSessions(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** A new session: the cookie's value and the CSRF value the page sends back as a header. */
    public record Opened(String id, String csrf) {
    }

    /** The cookie name for a server on {@code port}: cookies ignore ports, so two servers on one host must not share one. */
    public static String cookieName(int port) {
        return "longplay_session_" + port;
    }

    /**
     * Why a request may not open a session, or empty if it may: it must come from a page of this very origin.
     *
     * @param host        the Host header (already checked to be a loopback name by {@link HostOriginGuard})
     * @param origin      the Origin header
     * @param fetchSite   the Sec-Fetch-Site header
     */
    public static Optional<String> refuseOpening(String host, String origin, String fetchSite) {
        if (!"same-origin".equals(fetchSite)) {
            return Optional.of("a console session is only opened for a page of this server (Sec-Fetch-Site: same-origin), got "
                    + (fetchSite == null ? "none" : fetchSite));
        }
        if (!sameOrigin(host, origin)) {
            return Optional.of("a console session needs Origin http://" + host + ", got " + (origin == null ? "none" : origin));
        }
        return Optional.empty();
    }

    /** True when {@code origin} is exactly this server's origin as the client addressed it ({@code http://<Host>}). */
    public static boolean sameOrigin(String host, String origin) {
        return host != null && origin != null
                && origin.toLowerCase(Locale.ROOT).equals("http://" + host.trim().toLowerCase(Locale.ROOT));
    }

    public synchronized Opened open() {
        Instant now = clock.get();
        expire(now);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        String id = fresh();
        String csrf = fresh();
        sessions.put(id, new Session(csrf, now));
        return new Opened(id, csrf);
    }

    /**
     * Whether a cookie-carrying write is authorised: a live session, its CSRF value in the header (compared in
     * constant time), and the server's own Origin (browsers send one with every POST and DELETE).
     */
    public synchronized boolean authorises(String sessionId, String csrfHeader, String host, String origin, String fetchSite) {
        if (sessionId == null || csrfHeader == null || !sameOrigin(host, origin)
                || fetchSite != null && !fetchSite.equals("same-origin")) {
            return false;
        }
        Instant now = clock.get();
        expire(now);
        Session s = sessions.get(sessionId);
        if (s == null || !MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.US_ASCII), csrfHeader.getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        sessions.put(sessionId, new Session(s.csrf(), now));
        return true;
    }

    public synchronized int size() {
        return sessions.size();
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(LIFETIME);
        sessions.values().removeIf(s -> s.lastUse().isBefore(cutoff));
    }

    private String fresh() {
        byte[] raw = new byte[BYTES];
        random.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }
}
