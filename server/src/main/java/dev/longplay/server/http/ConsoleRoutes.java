package dev.longplay.server.http;

import dev.longplay.server.security.ConsoleSessions;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The web console: its page and files ({@code /}, {@code /web/{file}}) and {@code POST /v1/session}, which opens a
 * session for a page of this very origin (the guard's {@link Access#OWNER} decides who may).
 */
final class ConsoleRoutes {

    private final ConsoleSessions sessions;
    private final ConsoleAssets assets = new ConsoleAssets();

    ConsoleRoutes(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    List<Route> routes() {
        return List.of(
                Route.read("/", x -> asset(x, "index.html")),
                Route.read("/web/{file}", x -> asset(x, x.param(0))),
                new Route("POST", "/v1/session", Access.OWNER, this::openSession));
    }

    /**
     * The cookie is HttpOnly (no script reads it) and SameSite=Strict; the CSRF value comes back in the body for the
     * page's writes.
     */
    private void openSession(Exchange x) throws IOException {
        ConsoleSessions.Opened s = sessions.open();
        x.response().getHeaders().add(HttpHeader.SET_COOKIE, ConsoleSessions.cookieName(Request.getLocalPort(x.request())) + "=" + s.id()
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + ConsoleSessions.LIFETIME.toSeconds());
        x.json(200, Map.of("csrf", s.csrf(), "csrfHeader", ConsoleSessions.CSRF_HEADER));
    }

    /** A console file with its type, a strict Content-Security-Policy and revalidation by ETag. */
    private void asset(Exchange x, String name) {
        ConsoleAssets.Asset a = assets.get(name).orElseThrow(() -> new ApiException(404, "not_found", "no console file " + name));
        var h = x.response().getHeaders();
        h.put("Content-Security-Policy", ConsoleAssets.CONTENT_SECURITY_POLICY);
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put(HttpHeader.CACHE_CONTROL, "no-cache"); // revalidate each time: the files change with the server
        h.put(HttpHeader.ETAG, a.etag());
        String inm = x.request().getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (inm != null && Arrays.stream(inm.split(",")).map(String::trim).anyMatch(t -> t.equals(a.etag()) || t.equals("*"))) {
            x.empty(304);
            return;
        }
        x.bytes(200, a.type(), a.body());
    }
}
