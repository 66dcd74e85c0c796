package dev.longplay.server.http;

import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.presets.PresetCatalog;
import dev.longplay.server.pull.ModelPulls;
import dev.longplay.server.requests.JobSpecResolver;
import dev.longplay.server.security.ConsoleSessions;
import dev.longplay.server.security.HostOriginGuard;
import dev.longplay.server.security.InstallToken;
import dev.longplay.server.security.RateLimiter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The HTTP edge: a thin dispatcher over the route table. It translates and checks, the job engine decides: Jetty's
 * threads validate input, store or look things up, and return; they never run a model. For every request, in this
 * order: {@link RequestGuard#screen} (Host and Origin), the route looked up (404, 405, CORS preflight),
 * {@link RequestGuard#admit} (read rate, then the route's {@link Access}), the endpoint; whatever is thrown on the
 * way is answered by {@link ApiErrors} as JSON {@code {code, message}}. The routes live by resource in
 * {@link JobRoutes}, {@link ClipRoutes}, {@link AudioRoutes}, {@link ModelRoutes}, {@link PresetRoutes},
 * {@link ConsoleRoutes} and {@link ServerRoutes}.
 */
public final class ApiHandler extends Handler.Abstract {

    /** Size caps for request bodies. */
    public record Limits(int maxJsonBytes, long maxUploadBytes) {
    }

    private final Limits limits;
    private final RequestGuard guard;
    private final ServerRoutes server;
    private final ModelRoutes models;
    private final AudioRoutes audio = new AudioRoutes();
    private final List<Route> routes;

    public ApiHandler(JobEngine engine, JobSpecResolver resolver, ClipStore clips, UploadStore uploads, PresetCatalog presets,
                      InstallToken token, HostOriginGuard hostOrigin, RateLimiter readLimiter, RateLimiter writeLimiter, Limits limits) {
        this.limits = limits;
        ConsoleSessions sessions = new ConsoleSessions();
        this.guard = new RequestGuard(token, hostOrigin, readLimiter, writeLimiter, sessions);
        this.server = new ServerRoutes(engine, clips);
        this.models = new ModelRoutes(engine);
        this.routes = Stream.of(
                        new ConsoleRoutes(sessions).routes(),
                        server.routes(),
                        models.routes(),
                        new PresetRoutes(presets, resolver).routes(),
                        new JobRoutes(engine, resolver).routes(),
                        new ClipRoutes(clips, uploads).routes(),
                        audio.routes())
                .flatMap(List::stream).toList();
    }

    /** Enables the /v1/models/pull routes (until then they answer 503). */
    public void attachPulls(ModelPulls modelPulls) {
        models.attach(modelPulls);
    }

    /** Enables the /v1/play, /v1/capture and /v1/bridge routes (until then they answer 503). */
    public void attachAudio(AudioControl audio) {
        this.audio.attach(audio);
    }

    /** Tells OSCQuery's HOST_INFO where the OSC edge listens (UDP). */
    public void attachOsc(int udpPort) {
        server.attachOsc(udpPort);
    }

    /** "METHOD /pattern" for every route (the OpenAPI test checks each is documented). */
    public List<String> routeNames() {
        return routes.stream().map(Route::toString).toList();
    }

    /** The route table, in lookup order. */
    List<Route> routes() {
        return routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            dispatch(request, response, callback);
        } catch (Exception e) {
            ApiErrors.answer(request, response, callback, e);
        }
        return true;
    }

    private void dispatch(Request request, Response response, Callback callback) throws Exception {
        boolean ownOrigin = guard.screen(request, response);

        String path = request.getHttpURI().getPath();
        String[] segments = path == null || path.length() < 2 ? new String[0] : path.substring(1).split("/", -1);
        List<Route> matching = new ArrayList<>();
        List<String> params = List.of();
        for (Route r : routes) {
            List<String> p = r.match(segments);
            if (p != null) {
                matching.add(r);
                params = p;
            }
        }
        if (matching.isEmpty()) {
            throw new ApiException(404, "not_found", "no such endpoint: " + path);
        }
        String allow = matching.stream().map(Route::method).flatMap(m -> m.equals("GET") ? Stream.of("GET", "HEAD") : Stream.of(m))
                .distinct().collect(Collectors.joining(", "));
        if (request.getMethod().equals("OPTIONS")) {
            guard.preflight(request, response, callback, ownOrigin, allow);
            return;
        }
        boolean head = request.getMethod().equals("HEAD"); // a GET whose body Jetty leaves out
        String method = head ? "GET" : request.getMethod();
        Route route = matching.stream().filter(r -> r.method().equals(method)).findFirst()
                .orElseThrow(() -> new ApiException(405, "method_not_allowed", request.getMethod() + " is not allowed here", Map.of("Allow", allow)));

        guard.admit(route, request);
        if (head && route.eventStream()) {
            // An event stream never ends: HEAD gets its headers without subscribing.
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, SseStream.CONTENT_TYPE);
            callback.succeeded();
            return;
        }
        route.endpoint().handle(new Exchange(request, response, callback, params, limits.maxJsonBytes()));
    }
}
