package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.core.JsonParseException;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.ClipDownloadFormat;
import dev.longplay.server.bridge.BridgeMessages;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.jack.CaptureRequest;
import dev.longplay.server.jack.PlayRequest;
import dev.longplay.server.jack.PlayerException;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadRefusedException;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobRejectedException;
import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.requests.JobSpecResolver;
import dev.longplay.server.jobs.JobState;
import dev.longplay.server.presets.PresetCatalog;
import dev.longplay.server.security.ConsoleSessions;
import dev.longplay.server.security.HostOriginGuard;
import dev.longplay.server.security.InstallToken;
import dev.longplay.server.security.LoopbackPeerOwner;
import dev.longplay.server.security.PeerKey;
import dev.longplay.server.security.RateLimiter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The HTTP edge. It translates and checks, the job engine decides: Jetty's threads validate input, store or look
 * things up, and return; they never run a model. Every request passes the Host/Origin guard and a per-client rate
 * limit; every write (POST, DELETE) needs the install token. Errors are JSON {@code {code, message}}.
 */
public final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String CLIENT_HEADER = "X-Longplay-Client";

    /** Size caps for request bodies. */
    public record Limits(int maxJsonBytes, long maxUploadBytes) {
    }

    /** One endpoint: method, path pattern ({@code {x}} matches one segment), whether it is a write. */
    record Route(String method, String pattern, boolean write, Endpoint endpoint) {
        String[] segments() {
            return pattern.equals("/") ? new String[0] : pattern.substring(1).split("/");
        }
    }

    @FunctionalInterface
    interface Endpoint {
        void handle(Exchange x) throws Exception;
    }

    record Exchange(Request request, Response response, Callback callback, List<String> params) {
        String param(int i) {
            return params.get(i);
        }
    }

    private final JobEngine engine;
    private final JobSpecResolver resolver;
    private final ClipStore clips;
    private final UploadStore uploads;
    private final PresetCatalog presets;
    private final InstallToken token;
    private final HostOriginGuard guard;
    private final RateLimiter readLimiter;
    private final RateLimiter writeLimiter;
    private final Limits limits;
    private final byte[] openApi;
    private final List<Route> routes;
    private final ConsoleSessions sessions = new ConsoleSessions();
    private final ConsoleAssets assets = new ConsoleAssets();
    private final ModelPullEndpoints pulls = new ModelPullEndpoints();
    private final java.time.Instant startedAt = java.time.Instant.now();
    private volatile AudioControl audio; // null until the server's audio edges are attached
    private volatile int oscPort = -1; // the OSC edge's UDP port, -1 until it is attached

    public ApiHandler(JobEngine engine, JobSpecResolver resolver, ClipStore clips, UploadStore uploads, PresetCatalog presets,
                      InstallToken token, HostOriginGuard guard, RateLimiter readLimiter, RateLimiter writeLimiter, Limits limits) {
        this.engine = engine;
        this.resolver = resolver;
        this.clips = clips;
        this.uploads = uploads;
        this.presets = presets;
        this.token = token;
        this.guard = guard;
        this.readLimiter = readLimiter;
        this.writeLimiter = writeLimiter;
        this.limits = limits;
        this.openApi = loadOpenApi();
        this.routes = List.of(
                new Route("GET", "/", false, x -> asset(x, "index.html")),
                new Route("GET", "/web/{file}", false, x -> asset(x, x.param(0))),
                new Route("POST", "/v1/session", false, this::openSession),
                new Route("GET", "/v1/health", false, this::health),
                new Route("GET", "/v1/status", false, this::status),
                new Route("GET", "/v1/models", false, this::models),
                new Route("POST", "/v1/models/pull", true, pulls::start),
                new Route("GET", "/v1/models/pulls/{id}", false, pulls::status),
                new Route("GET", "/v1/models/pulls/{id}/events", false, pulls::events),
                new Route("GET", "/v1/presets", false, this::presets),
                new Route("GET", "/v1/loras", false, this::loras),
                new Route("GET", "/v1/openapi.json", false, x -> bytes(x, 200, "application/json", openApi)),
                new Route("GET", "/v1/oscquery", false, this::oscQuery),
                new Route("POST", "/v1/jobs", true, this::submit),
                new Route("GET", "/v1/jobs", false, this::listJobs),
                new Route("GET", "/v1/jobs/{id}", false, this::job),
                new Route("DELETE", "/v1/jobs/{id}", true, this::cancel),
                new Route("GET", "/v1/jobs/{id}/events", false, this::events),
                new Route("GET", "/v1/clips", false, this::listClips),
                new Route("GET", "/v1/clips/{id}", false, this::clip),
                new Route("DELETE", "/v1/clips/{id}", true, this::deleteClip),
                new Route("GET", "/v1/clips/{id}/meta", false, this::clipMeta),
                new Route("POST", "/v1/uploads", true, this::upload),
                new Route("POST", "/v1/play", true, x -> audioCall(x, 200, a -> a.play(jsonBody(x, PlayRequest.class)))),
                new Route("POST", "/v1/play/{id}/stop", true, x -> audioCall(x, 200, a -> found(a.stop(x.param(0)), "play", x.param(0)))),
                new Route("GET", "/v1/play/clock", false, x -> audioCall(x, 200, AudioControl::clock)),
                new Route("GET", "/v1/play/events", false, this::playEvents),
                new Route("POST", "/v1/capture", true, x -> audioCall(x, 202, a -> a.capture(jsonBody(x, CaptureRequest.class), peerKey(x.request())))),
                new Route("POST", "/v1/bridge/attach", true, x -> audioCall(x, 201, a -> {
                    BridgeMessages.Attach m = jsonBody(x, BridgeMessages.Attach.class);
                    return a.bridge().attach(m.instanceId(), m.sampleRate(), m.capacityFrames());
                })),
                new Route("GET", "/v1/bridge/{id}", false, x -> audioCall(x, 200, a -> a.bridge().info(x.param(0)).orElseThrow(() -> notFound("instance", x.param(0))))),
                new Route("POST", "/v1/bridge/{id}/send", true, x -> audioCall(x, 202, a -> a.bridge().send(x.param(0),
                        jsonBody(x, BridgeMessages.Send.class).clipId()))),
                new Route("POST", "/v1/bridge/{id}/transport", true, x -> audioCall(x, 200, a -> {
                    BridgeMessages.Transport t = jsonBody(x, BridgeMessages.Transport.class);
                    return a.hostTransport(x.param(0), t.tempo(), t.ppq(), t.playing());
                })),
                new Route("DELETE", "/v1/bridge/{id}", true, x -> audioCall(x, 200, a -> found(a.bridge().detach(x.param(0)), "instance", x.param(0)))));
    }

    /** Enables the /v1/models/pull routes (until then they answer 503). */
    public void attachPulls(dev.longplay.server.pull.ModelPulls modelPulls) {
        pulls.attach(modelPulls);
    }

    /** Enables the /v1/play, /v1/capture and /v1/bridge routes (until then they answer 503). */
    public void attachAudio(AudioControl audio) {
        this.audio = audio;
    }

    /** Server-Sent Events: one {@code play_end} event per finished playback, for as long as the client listens. */
    private void playEvents(Exchange x) {
        AudioControl a = audio;
        if (a == null) {
            throw new ApiException(503, "audio_unavailable", "the audio edges are not running on this server");
        }
        Scheduler.Task[] heartbeat = new Scheduler.Task[1];
        AutoCloseable[] sub = new AutoCloseable[1];
        SseStream stream = new SseStream(x.response(), x.callback(), () -> {
            if (heartbeat[0] != null) {
                heartbeat[0].cancel();
            }
            try {
                sub[0].close();
            } catch (Exception e) {
                LOG.warn("closing a /play/end subscription failed", e);
            }
        });
        sub[0] = a.addPlayEndListener(e -> stream.send(SseStream.event("play_end", e), false), () -> stream.send(": audio stopped\n\n", true));
        x.response().setStatus(200);
        x.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        x.response().getHeaders().put("X-Accel-Buffering", "no");
        stream.keepAlive(x.request().getComponents().getScheduler(), heartbeat);
        stream.begin(": " + (a.jackAvailable() ? "play_end events follow" : "JACK is off: no playback events") + "\n\n", false);
    }

    /** Tells OSCQuery's HOST_INFO where the OSC edge listens (UDP). */
    public void attachOsc(int udpPort) {
        this.oscPort = udpPort;
    }

    /** OSCQuery: the OSC namespace as JSON, or with {@code ?HOST_INFO} where to send it. */
    private void oscQuery(Exchange x) throws IOException {
        String query = x.request().getHttpURI().getQuery();
        if (query != null && query.equals("HOST_INFO")) {
            if (oscPort < 0) {
                throw new ApiException(404, "osc_off", "the OSC edge is not running on this server");
            }
            bytes(x, 200, "application/json", dev.longplay.osc.OscQuery.hostInfoJson("longplay", oscPort, "UDP")
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            bytes(x, 200, "application/json", dev.longplay.osc.OscQuery.namespaceJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    private interface AudioCall {
        Object apply(AudioControl audio) throws Exception;
    }

    /** Runs an audio edge call and maps its exceptions onto the API's error codes. */
    private void audioCall(Exchange x, int status, AudioCall call) throws Exception {
        AudioControl a = audio;
        if (a == null) {
            throw new ApiException(503, "audio_unavailable", "the audio edges are not running on this server");
        }
        Object result;
        try {
            result = call.apply(a);
        } catch (PlayerException e) {
            boolean unavailable = e.code().equals("jack_unavailable") || e.code().equals("player_busy");
            throw new ApiException(unavailable ? 503 : 409, e.code(), e.getMessage());
        } catch (java.util.NoSuchElementException e) {
            throw new ApiException(404, "not_found", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_argument", e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, "conflict", e.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(503, "capture_timeout", e.getMessage());
        } catch (JobRejectedException e) {
            boolean full = e.reason() == JobRejectedException.Reason.QUEUE_FULL || e.reason() == JobRejectedException.Reason.SHUTTING_DOWN;
            throw new ApiException(full ? 503 : 400, e.reason().code(), e.getMessage());
        }
        json(x, status, result);
    }

    private <T> T jsonBody(Exchange x, Class<T> type) throws IOException {
        requireContentType(x.request(), "application/json");
        return parse(body(x.request(), limits.maxJsonBytes()), type);
    }

    private static Map<String, Object> found(boolean ok, String what, String id) {
        if (!ok) {
            throw notFound(what, id);
        }
        return Map.of("id", id, "ok", true);
    }

    private static ApiException notFound(String what, String id) {
        return new ApiException(404, what + "_not_found", "no " + what + " " + id);
    }

    /** "METHOD /pattern" for every route (the OpenAPI test checks each is documented). */
    public List<String> routeNames() {
        return routes.stream().map(r -> r.method() + " " + r.pattern()).toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            dispatch(request, response, callback);
        } catch (ApiException e) {
            error(request, response, callback, e);
        } catch (Exception e) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            error(request, response, callback, new ApiException(500, "internal_error", "internal server error"));
        }
        return true;
    }

    private void dispatch(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<String> refused = guard.check(request.getHeaders().get(HttpHeader.HOST), origin);
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

        String path = request.getHttpURI().getPath();
        String[] segs = path == null || path.length() < 2 ? new String[0] : path.substring(1).split("/", -1);
        List<Route> matching = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (Route r : routes) {
            List<String> p = match(r.segments(), segs);
            if (p != null) {
                matching.add(r);
                params = p;
            }
        }
        if (matching.isEmpty()) {
            throw new ApiException(404, "not_found", "no such endpoint: " + path);
        }
        String allow = matching.stream().map(Route::method).flatMap(m -> m.equals("GET") ? java.util.stream.Stream.of("GET", "HEAD")
                : java.util.stream.Stream.of(m)).distinct().collect(Collectors.joining(", "));
        if (request.getMethod().equals("OPTIONS")) {
            preflight(response, callback, origin, ownOrigin, allow);
            return;
        }
        boolean head = request.getMethod().equals("HEAD"); // a GET whose body Jetty leaves out
        String method = head ? "GET" : request.getMethod();
        Route route = matching.stream().filter(r -> r.method().equals(method)).findFirst()
                .orElseThrow(() -> new ApiException(405, "method_not_allowed", request.getMethod() + " is not allowed here", Map.of("Allow", allow)));

        String client = peerKey(request);
        if (!readLimiter.tryAcquire(client)) {
            throw rateLimited(readLimiter, client);
        }
        if (route.write()) {
            if (!token.authorises(request.getHeaders().get(HttpHeader.AUTHORIZATION)) && !consoleSession(request)) {
                throw new ApiException(401, "unauthorized", "this request needs the install token: Authorization: Bearer <token from "
                        + token.file() + ">", Map.of("WWW-Authenticate", "Bearer"));
            }
            if (!writeLimiter.tryAcquire(client)) {
                throw rateLimited(writeLimiter, client);
            }
        }
        if (head && route.pattern().endsWith("/events")) {
            // An event stream never ends: HEAD gets its headers without subscribing.
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            callback.succeeded();
            return;
        }
        route.endpoint().handle(new Exchange(request, response, callback, params));
    }

    /** A write from the web console: its session cookie, the CSRF header and this server's own Origin. */
    private boolean consoleSession(Request request) {
        String name = ConsoleSessions.cookieName(Request.getLocalPort(request));
        String id = null;
        for (org.eclipse.jetty.http.HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(name)) {
                id = c.getValue();
            }
        }
        return sessions.authorises(id, request.getHeaders().get(ConsoleSessions.CSRF_HEADER), request.getHeaders().get(HttpHeader.HOST),
                request.getHeaders().get(HttpHeader.ORIGIN), request.getHeaders().get("Sec-Fetch-Site"));
    }

    private static List<String> match(String[] pattern, String[] segs) {
        if (pattern.length != segs.length) {
            return null;
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                if (segs[i].isEmpty()) {
                    return null;
                }
                params.add(segs[i]);
            } else if (!pattern[i].equals(segs[i])) {
                return null;
            }
        }
        return params;
    }

    private void preflight(Response response, Callback callback, String origin, boolean ownOrigin, String allow) {
        if (origin == null) {
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

    /**
     * The caller as the server sees it ({@link PeerKey}), worked out once per connection: the key of rate limits and
     * capture budgets, which a header must not change.
     */
    private static String peerKey(Request request) {
        var meta = request.getConnectionMetaData();
        if (meta.getAttribute(PEER_KEY) instanceof String known) {
            return known;
        }
        String key = meta.getRemoteSocketAddress() instanceof java.net.InetSocketAddress remote
                && meta.getLocalSocketAddress() instanceof java.net.InetSocketAddress local ? PeerKey.tcp(remote, local) : "unknown";
        meta.setAttribute(PEER_KEY, key);
        return key;
    }

    private static final String PEER_KEY = "longplay.peerKey";

    /**
     * The job queue's fairness key: the peer plus its self-chosen tool name, so tools of one user share fairly. Only
     * ordering depends on the name; budgets use {@link #peerKey}.
     */
    private static String clientKey(Request request) {
        String name = request.getHeaders().get(CLIENT_HEADER);
        String peer = peerKey(request);
        if (name == null) {
            return peer;
        }
        String clean = name.replaceAll("[^A-Za-z0-9._-]", "");
        return peer + "/" + (clean.length() > 64 ? clean.substring(0, 64) : clean);
    }

    private static ApiException rateLimited(RateLimiter limiter, String client) {
        return new ApiException(429, "rate_limited", "too many requests; slow down",
                Map.of("Retry-After", Long.toString(limiter.retryAfterSeconds(client))));
    }

    // ---- endpoints ------------------------------------------------------------------------------------------

    private void health(Exchange x) throws IOException {
        JobEngine.Stats s = engine.stats();
        var models = engine.models();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("model", models.get(0));
        body.put("device", models.get(0).device());
        body.put("queue", queueSummary(s));
        body.put("clips", clipSummary());
        json(x, 200, body);
    }

    private static Map<String, Object> queueSummary(JobEngine.Stats s) {
        return Map.of("depth", s.queued(), "running", s.running(), "capacity", s.capacity(), "workers", s.workers());
    }

    private Map<String, Object> clipSummary() {
        return Map.of("count", clips.count(), "bytes", clips.totalBytes(), "limitBytes", clips.limitBytes());
    }

    /** What the console's status panel shows: the model and device, the queue with its jobs, recent failures. */
    private void status(Exchange x) throws IOException {
        var models = engine.models();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", models.get(0));
        body.put("device", models.get(0).device());
        body.put("startedAt", startedAt);
        body.put("queue", queueSummary(engine.stats()));
        body.put("jobs", views(engine.jobs(java.util.EnumSet.of(JobState.RUNNING, JobState.QUEUED), MAX_PAGE)));
        body.put("recentFailures", views(engine.jobs(java.util.EnumSet.of(JobState.FAILED), RECENT_FAILURES)));
        body.put("clips", clipSummary());
        json(x, 200, body);
    }

    private static final int MAX_PAGE = 200;
    private static final int RECENT_FAILURES = 10;

    private static List<JobView> views(List<JobEngine.JobStatus> jobs) {
        return jobs.stream().map(JobView::of).toList();
    }

    /** {@code GET /v1/jobs?state=queued,running&limit=50}: running, then queued in run order, then finished, newest first. */
    private void listJobs(Exchange x) throws IOException {
        Fields q = Request.extractQueryParameters(x.request());
        java.util.Set<JobState> states = java.util.EnumSet.noneOf(JobState.class);
        String wanted = q.getValue("state");
        for (String w : (wanted == null || wanted.isBlank() ? "queued,running" : wanted).split(",")) {
            String name = w.trim();
            states.add(java.util.Arrays.stream(JobState.values()).filter(st -> st.wire().equals(name)).findFirst()
                    .orElseThrow(() -> new ApiException(400, "invalid_argument", "state must be a comma-separated list of "
                            + java.util.Arrays.stream(JobState.values()).map(JobState::wire).toList() + ", got \"" + name + "\"")));
        }
        int limit = intParam(q, "limit", 50, 1, MAX_PAGE);
        json(x, 200, Map.of("jobs", views(engine.jobs(states, limit))));
    }

    /** {@code GET /v1/clips?offset=0&limit=50}: stored clips, newest first, each with its metadata. */
    private void listClips(Exchange x) throws IOException {
        Fields q = Request.extractQueryParameters(x.request());
        int limit = intParam(q, "limit", 50, 1, MAX_PAGE);
        int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
        List<ClipInfo> all = clips.list();
        List<Map<String, Object>> page = new ArrayList<>();
        int from = Math.min(offset, all.size());
        for (ClipInfo c : all.subList(from, (int) Math.min(all.size(), (long) from + limit))) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", c.id());
            item.put("createdAt", c.created());
            item.put("bytes", c.bytes());
            item.put("url", "/v1/clips/" + c.id());
            try {
                item.put("meta", Json.MAPPER.readTree(ClipStore.readMeta(c)));
            } catch (IOException e) {
                continue; // deleted or evicted since the listing was taken
            }
            page.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clips", page);
        body.put("total", all.size());
        body.put("offset", offset);
        body.put("limit", limit);
        json(x, 200, body);
    }

    private static int intParam(Fields q, String name, int fallback, int min, int max) {
        String v = q.getValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "invalid_argument", name + " must be an integer in [" + min + ", " + max + "], got \"" + v + "\"");
    }

    /**
     * {@code POST /v1/session}: opens a web console session for a page of this very origin; the cookie is HttpOnly
     * (no script reads it) and SameSite=Strict, the CSRF value comes back in the body for the page's writes.
     */
    private void openSession(Exchange x) throws IOException {
        Request r = x.request();
        Optional<String> refused = ConsoleSessions.refuseOpening(r.getHeaders().get(HttpHeader.HOST), r.getHeaders().get(HttpHeader.ORIGIN),
                r.getHeaders().get("Sec-Fetch-Site"));
        if (refused.isEmpty()) {
            refused = refuseOtherUsers(r);
        }
        if (refused.isPresent()) {
            throw new ApiException(403, "forbidden", refused.get());
        }
        String client = peerKey(r);
        if (!writeLimiter.tryAcquire(client)) {
            throw rateLimited(writeLimiter, client);
        }
        ConsoleSessions.Opened s = sessions.open();
        x.response().getHeaders().add(HttpHeader.SET_COOKIE, ConsoleSessions.cookieName(Request.getLocalPort(r)) + "=" + s.id()
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + ConsoleSessions.LIFETIME.toSeconds());
        json(x, 200, Map.of("csrf", s.csrf(), "csrfHeader", ConsoleSessions.CSRF_HEADER));
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
        java.util.OptionalInt owner = r.getConnectionMetaData().getRemoteSocketAddress() instanceof java.net.InetSocketAddress remote
                && r.getConnectionMetaData().getLocalSocketAddress() instanceof java.net.InetSocketAddress local
                ? LoopbackPeerOwner.tcpOwnerUid(remote, local) : java.util.OptionalInt.empty();
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
        if (inm != null && java.util.Arrays.stream(inm.split(",")).map(String::trim).anyMatch(t -> t.equals(a.etag()) || t.equals("*"))) {
            x.response().setStatus(304);
            x.callback().succeeded();
            return;
        }
        bytes(x, 200, a.type(), a.body());
    }

    private void models(Exchange x) throws IOException {
        json(x, 200, Map.of("models", engine.models()));
    }

    private void loras(Exchange x) throws IOException {
        json(x, 200, Map.of("loras", resolver.loras().list()));
    }

    private void presets(Exchange x) throws IOException {
        json(x, 200, Map.of("presets", presets.all(), "problems", presets.problems()));
    }

    private void submit(Exchange x) throws IOException {
        requireContentType(x.request(), "application/json");
        byte[] body = body(x.request(), limits.maxJsonBytes());
        JobSpec spec = parse(body, JobSpec.class);
        GenerationRequest request;
        try {
            request = resolver.resolve(spec);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_argument", e.getMessage());
        }
        JobRecord job;
        try {
            job = engine.submit(request, clientKey(x.request()));
        } catch (JobRejectedException e) {
            switch (e.reason()) {
                case QUEUE_FULL -> throw new ApiException(503, e.reason().code(), e.getMessage(), Map.of("Retry-After", "1"));
                case SHUTTING_DOWN -> throw new ApiException(503, e.reason().code(), e.getMessage());
                default -> throw new ApiException(400, e.reason().code(), e.getMessage());
            }
        }
        x.response().getHeaders().put(HttpHeader.LOCATION, "/v1/jobs/" + job.id());
        json(x, 202, JobView.of(new JobEngine.JobStatus(job, null, false)));
    }

    private void job(Exchange x) throws IOException {
        json(x, 200, JobView.of(engine.status(x.param(0)).orElseThrow(() -> jobNotFound(x.param(0)))));
    }

    private void cancel(Exchange x) throws IOException {
        JobEngine.JobStatus s = engine.cancel(x.param(0)).orElseThrow(() -> jobNotFound(x.param(0)));
        JobState state = s.record().state();
        if (state == JobState.SUCCEEDED || state == JobState.FAILED) {
            throw new ApiException(409, "job_finished", "job " + s.record().id() + " already " + state.wire());
        }
        json(x, 200, JobView.of(s));
    }

    private void events(Exchange x) {
        Response response = x.response();
        Scheduler scheduler = x.request().getComponents().getScheduler();
        Scheduler.Task[] heartbeat = new Scheduler.Task[1];
        JobEngine.Subscription[] sub = new JobEngine.Subscription[1];
        SseStream stream = new SseStream(response, x.callback(), () -> {
            if (heartbeat[0] != null) {
                heartbeat[0].cancel();
            }
            if (sub[0] != null) {
                sub[0].close();
            }
        });
        Optional<JobEngine.Subscription> subscription = engine.subscribe(x.param(0), e -> stream.send(SseStream.event("job", e), e.terminal()));
        sub[0] = subscription.orElseThrow(() -> jobNotFound(x.param(0)));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put("X-Accel-Buffering", "no");
        JobEngine.JobStatus initial = sub[0].initial();
        boolean finished = initial.record().state().terminal();
        if (!finished) {
            stream.keepAlive(scheduler, heartbeat);
        }
        stream.begin(SseStream.event("status", JobView.of(initial)), finished);
    }



    private void clip(Exchange x) throws IOException {
        ClipInfo clip = clips.get(x.param(0)).orElseThrow(() -> clipNotFound(x.param(0)));
        SeekableByteChannel channel;
        try {
            channel = ClipStore.openAudio(clip);
        } catch (NoSuchFileException e) {
            throw clipNotFound(x.param(0)); // evicted or deleted since the lookup
        } catch (IOException e) {
            // O_NOFOLLOW refused a link put in the clip's place (ELOOP), or the file is unreadable.
            LOG.warn("clip {} cannot be opened as a plain file: {}", clip.id(), e.getMessage());
            throw clipNotFound(x.param(0));
        }
        try {
            if (flacWanted(x)) {
                flacClip(x, clip, channel);
                return;
            }
            long size = channel.size();
            long[] range = ByteRange.parse(x.request().getHeaders().get(HttpHeader.RANGE), size);
            Response response = x.response();
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "audio/wav");
            response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "inline; filename=\"" + clip.id() + ".wav\"");
            long start = 0;
            long length = size;
            if (range != null) {
                start = range[0];
                length = range[1] - range[0] + 1;
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
            } else {
                response.setStatus(200);
            }
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            ByteBufferPool.Sized pool = new ByteBufferPool.Sized(x.request().getComponents().getByteBufferPool(), false, 64 * 1024);
            Content.copy(Content.Source.from(pool, channel, start, length), response, x.callback());
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    private static boolean flacWanted(Exchange x) {
        try {
            return ClipDownloadFormat.of(Request.extractQueryParameters(x.request()).getValue("format"),
                    x.request().getHeaders().get(HttpHeader.ACCEPT)) == ClipDownloadFormat.FLAC;
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_argument", e.getMessage());
        }
    }

    /** The clip encoded as FLAC on the fly (whole, so without ranges). */
    private static void flacClip(Exchange x, ClipInfo clip, SeekableByteChannel channel) throws IOException {
        ByteBuffer wav;
        try (channel) {
            wav = ByteBuffer.allocate((int) Math.min(channel.size(), Integer.MAX_VALUE - 8));
            while (wav.hasRemaining() && channel.read(wav) >= 0) {
                // read the whole file
            }
        }
        byte[] flac = ClipDownloadFormat.flacOf(wav.flip(), clip.id());
        x.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "inline; filename=\"" + clip.id() + ".flac\"");
        bytes(x, 200, "audio/flac", flac);
    }

    private void deleteClip(Exchange x) throws IOException {
        if (!clips.delete(x.param(0))) {
            throw clipNotFound(x.param(0));
        }
        x.response().setStatus(204);
        x.callback().succeeded();
    }

    private void clipMeta(Exchange x) throws IOException {
        ClipInfo clip = clips.get(x.param(0)).orElseThrow(() -> clipNotFound(x.param(0)));
        byte[] meta;
        try {
            meta = ClipStore.readMeta(clip);
        } catch (NoSuchFileException e) {
            throw clipNotFound(x.param(0));
        } catch (IOException e) {
            LOG.warn("clip {} metadata cannot be opened as a plain file: {}", clip.id(), e.getMessage());
            throw clipNotFound(x.param(0));
        }
        bytes(x, 200, "application/json", meta);
    }

    private void upload(Exchange x) throws IOException {
        requireContentType(x.request(), UploadStore.CONTENT_TYPES.toArray(String[]::new));
        String id;
        try (InputStream in = Content.Source.asInputStream(x.request())) {
            id = uploads.save(in, x.request().getLength()); // streamed to disk, never held whole; -1: length not declared
        } catch (UploadRefusedException e) {
            throw UploadErrors.toApi(e);
        }
        json(x, 201, Map.of("id", id));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void requireContentType(Request request, String... accepted) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (String a : accepted) {
            if (a.equals(mime)) {
                return;
            }
        }
        throw new ApiException(415, "unsupported_media_type", "Content-Type must be " + String.join(" or ", accepted)
                + (type == null ? "" : ", got " + type));
    }

    /** Reads a body of at most {@code cap} bytes: refused up front by Content-Length, or as soon as it runs over. */
    private static byte[] body(Request request, long cap) throws IOException {
        long declared = request.getLength();
        if (declared > cap) {
            throw tooLarge(cap);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (data.length > cap) {
                throw tooLarge(cap);
            }
            return data;
        }
    }

    private static ApiException tooLarge(long cap) {
        return new ApiException(413, "payload_too_large", "the body is larger than " + cap + " bytes");
    }

    private static <T> T parse(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new ApiException(400, "malformed_json", "the body is empty");
        }
        try {
            T value;
            try {
                value = Json.MAPPER.readValue(body, type);
            } catch (JsonMappingException e) {
                // A syntax error found while binding (a duplicate key inside an object) is malformed JSON, not a bad value.
                for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                    if (c instanceof JsonParseException p) {
                        throw p;
                    }
                }
                throw e;
            }
            if (value == null) {
                throw new ApiException(400, "malformed_json", "the body must be a JSON object");
            }
            return value;
        } catch (JsonParseException e) {
            throw new ApiException(400, "malformed_json", "malformed JSON: " + e.getOriginalMessage());
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, "unknown_field", "unknown field \"" + fieldPath(e) + "\"");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ApiException(400, "invalid_argument", fieldPath(e) + ": " + cause.getMessage());
        } catch (MismatchedInputException e) {
            throw new ApiException(400, "wrong_type", "wrong type for \"" + fieldPath(e) + "\": " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            throw new ApiException(400, "invalid_argument", e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", e.getMessage());
        }
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static ApiException jobNotFound(String id) {
        return new ApiException(404, "job_not_found", "no job " + id);
    }

    private static ApiException clipNotFound(String id) {
        return new ApiException(404, "clip_not_found", "no clip " + id);
    }

    private static void json(Exchange x, int status, Object body) throws IOException {
        bytes(x, status, "application/json", Json.MAPPER.writeValueAsBytes(body));
    }

    private static void bytes(Exchange x, int status, String type, byte[] body) {
        x.response().setStatus(status);
        x.response().getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        x.response().getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        x.response().write(true, java.nio.ByteBuffer.wrap(body), x.callback());
    }

    private static void error(Request request, Response response, Callback callback, ApiException e) {
        if (response.isCommitted()) {
            callback.failed(e);
            return;
        }
        if (e.status >= 500) {
            LOG.warn("{} {} -> {} {}", request.getMethod(), request.getHttpURI().getPath(), e.status, e.code);
        }
        e.headers.forEach((k, v) -> response.getHeaders().put(k, v));
        String length = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) || length != null && !length.equals("0")) {
            // The body may be unread: close rather than let the client send its next request into the leftovers.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(Map.of("code", e.code, "message", PlainWords.of(String.valueOf(e.getMessage()))));
        } catch (JsonProcessingException ex) {
            body = ("{\"code\":\"" + e.code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(e.status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = ApiHandler.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
