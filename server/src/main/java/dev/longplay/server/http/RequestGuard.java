package dev.longplay.server.http;

import dev.longplay.server.security.ConsoleSessions;
import dev.longplay.server.security.HostOriginGuard;
import dev.longplay.server.security.InstallToken;
import dev.longplay.server.security.LoopbackPeerOwner;
import dev.longplay.server.security.PeerKey;
import dev.longplay.server.security.RateLimiter;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every check a request passes before any endpoint runs, in one place, for every route of the table: the Host and
 * Origin check and the answer headers that go with it ({@link #screen}), CORS preflights ({@link #preflight}), then
 * for the matched route the per-client read rate and what its {@link Access} asks ({@link #admit}). Endpoints do no
 * checks of their own, so a route added to the table cannot skip one.
 */
final class RequestGuard {

    static final String CLIENT_HEADER = "X-Longplay-Client";
    private static final String PEER_KEY = "longplay.peerKey";

    private final InstallToken token;
    private final HostOriginGuard hostOrigin;
    private final RateLimiter readLimiter;
    private final RateLimiter writeLimiter;
    private final ConsoleSessions sessions;

    RequestGuard(InstallToken token, HostOriginGuard hostOrigin, RateLimiter readLimiter, RateLimiter writeLimiter, ConsoleSessions sessions) {
        this.token = token;
        this.hostOrigin = hostOrigin;
        this.readLimiter = readLimiter;
        this.writeLimiter = writeLimiter;
        this.sessions = sessions;
    }

    /**
     * Before routing: refuses a foreign Host or Origin (403) and sets the headers every answer carries. Returns
     * whether the request comes from a page of this server's own origin.
     */
    boolean screen(Request request, Response response) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<String> refused = hostOrigin.check(request.getHeaders().get(HttpHeader.HOST), origin);
        if (refused.isPresent()) {
            throw new ApiException(403, "forbidden", refused.get());
        }
        boolean ownOrigin = origin != null && ConsoleSessions.sameOrigin(request.getHeaders().get(HttpHeader.HOST), origin);
        if (origin != null) {
            // Pages of this server's own origin may read answers; a local app on another port may send (a GET changes
            // nothing, a write needs the token) but never read prompts or status back.
            if (ownOrigin) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            }
            response.getHeaders().put(HttpHeader.VARY, "Origin");
        }
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        return ownOrigin;
    }

    /** A CORS preflight for a path whose routes allow {@code allow}: granted to this server's own origin only. */
    void preflight(Request request, Response response, Callback callback, boolean ownOrigin, String allow) {
        if (request.getHeaders().get(HttpHeader.ORIGIN) == null) {
            throw new ApiException(400, "bad_request", "a preflight request needs an Origin");
        }
        if (!ownOrigin) {
            throw new ApiException(403, "forbidden", "cross-origin requests are allowed only from this server's own origin");
        }
        response.setStatus(204);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, allow);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, " + CLIENT_HEADER);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
        callback.succeeded();
    }

    /** After routing, before the endpoint: the read rate for all, then what the route's access asks. */
    void admit(Route route, Request request) {
        String client = peerKey(request);
        if (!readLimiter.tryAcquire(client)) {
            throw rateLimited(readLimiter, client);
        }
        switch (route.access()) {
            case READ -> {
            }
            case WRITE -> {
                if (!token.authorises(request.getHeaders().get(HttpHeader.AUTHORIZATION)) && !consoleSession(request)) {
                    throw new ApiException(401, "unauthorized", "this request needs the install token: Authorization: Bearer <token from "
                            + token.file() + ">", Map.of("WWW-Authenticate", "Bearer"));
                }
                writeRate(client);
            }
            case OWNER -> {
                Optional<String> refused = ConsoleSessions.refuseOpening(request.getHeaders().get(HttpHeader.HOST),
                        request.getHeaders().get(HttpHeader.ORIGIN), request.getHeaders().get("Sec-Fetch-Site"));
                if (refused.isEmpty()) {
                    refused = refuseOtherUsers(request);
                }
                if (refused.isPresent()) {
                    throw new ApiException(403, "forbidden", refused.get());
                }
                writeRate(client);
            }
        }
    }

    private void writeRate(String client) {
        if (!writeLimiter.tryAcquire(client)) {
            throw rateLimited(writeLimiter, client);
        }
    }

    /** A write from the web console: its session cookie, the CSRF header and this server's own Origin. */
    private boolean consoleSession(Request request) {
        String name = ConsoleSessions.cookieName(Request.getLocalPort(request));
        String id = null;
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(name)) {
                id = c.getValue();
            }
        }
        return sessions.authorises(id, request.getHeaders().get(ConsoleSessions.CSRF_HEADER), request.getHeaders().get(HttpHeader.HOST),
                request.getHeaders().get(HttpHeader.ORIGIN), request.getHeaders().get("Sec-Fetch-Site"));
    }

    /**
     * A console session gives no more than the token file gives its owner: where the system names the owner of the
     * client's socket (Linux), only a browser of the user the server runs as gets one; everyone else uses the token.
     */
    private static Optional<String> refuseOtherUsers(Request r) {
        if (!LoopbackPeerOwner.supported()) {
            return Optional.empty(); // no socket owners to read: the same-origin proof alone
        }
        int self = LoopbackPeerOwner.currentUid();
        OptionalInt owner = r.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress remote
                && r.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress local
                ? LoopbackPeerOwner.tcpOwnerUid(remote, local) : OptionalInt.empty();
        if (owner.isEmpty()) {
            return Optional.of("a console session is only opened for a browser of the user running the server, and this "
                    + "connection's owner is not known; other clients use the install token");
        }
        if (self < 0 || owner.getAsInt() != self) {
            return Optional.of("a console session is only opened for a browser of the user running the server (uid "
                    + self + "); other users need the install token");
        }
        return Optional.empty();
    }

    /**
     * The caller as the server sees it ({@link PeerKey}), worked out once per connection: the key of rate limits and
     * capture budgets, which a header must not change.
     */
    static String peerKey(Request request) {
        var meta = request.getConnectionMetaData();
        if (meta.getAttribute(PEER_KEY) instanceof String known) {
            return known;
        }
        String key = meta.getRemoteSocketAddress() instanceof InetSocketAddress remote
                && meta.getLocalSocketAddress() instanceof InetSocketAddress local ? PeerKey.tcp(remote, local) : "unknown";
        meta.setAttribute(PEER_KEY, key);
        return key;
    }

    private static ApiException rateLimited(RateLimiter limiter, String client) {
        return new ApiException(429, "rate_limited", "too many requests; slow down",
                Map.of("Retry-After", Long.toString(limiter.retryAfterSeconds(client))));
    }
}
