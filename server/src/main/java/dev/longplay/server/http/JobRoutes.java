package dev.longplay.server.http;

import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobRejectedException;
import dev.longplay.server.jobs.JobState;
import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.requests.JobSpecResolver;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/jobs}: submit a generation, list jobs, look one up, cancel it, follow its events. */
final class JobRoutes {

    private final JobEngine engine;
    private final JobSpecResolver resolver;

    JobRoutes(JobEngine engine, JobSpecResolver resolver) {
        this.engine = engine;
        this.resolver = resolver;
    }

    List<Route> routes() {
        return List.of(
                Route.write("POST", "/v1/jobs", this::submit),
                Route.read("/v1/jobs", this::list),
                Route.read("/v1/jobs/{id}", this::job),
                Route.write("DELETE", "/v1/jobs/{id}", this::cancel),
                Route.read("/v1/jobs/{id}/events", this::events));
    }

    /** The body as a {@link JobSpec}, resolved and queued: 202 with the job and its URL in Location (refusals: {@link ApiErrors}). */
    private void submit(Exchange x) throws IOException, JobRejectedException {
        GenerationRequest request = resolver.resolve(x.jsonBody(JobSpec.class));
        JobRecord job = engine.submit(request, clientKey(x.request()));
        x.response().getHeaders().put(HttpHeader.LOCATION, "/v1/jobs/" + job.id());
        x.json(202, JobView.of(new JobEngine.JobStatus(job, null, false)));
    }

    /** {@code GET /v1/jobs?state=queued,running&limit=50}: running, then queued in run order, then finished, newest first. */
    private void list(Exchange x) throws IOException {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        String wanted = x.query().getValue("state");
        for (String w : (wanted == null || wanted.isBlank() ? "queued,running" : wanted).split(",")) {
            String name = w.trim();
            states.add(Arrays.stream(JobState.values()).filter(st -> st.wire().equals(name)).findFirst()
                    .orElseThrow(() -> new ApiException(400, "invalid_argument", "state must be a comma-separated list of "
                            + Arrays.stream(JobState.values()).map(JobState::wire).toList() + ", got \"" + name + "\"")));
        }
        int limit = x.intQuery("limit", 50, 1, Exchange.MAX_PAGE);
        x.json(200, Map.of("jobs", views(engine.jobs(states, limit))));
    }

    private void job(Exchange x) throws IOException {
        x.json(200, JobView.of(engine.status(x.param(0)).orElseThrow(() -> notFound(x.param(0)))));
    }

    private void cancel(Exchange x) throws IOException {
        JobEngine.JobStatus s = engine.cancel(x.param(0)).orElseThrow(() -> notFound(x.param(0)));
        JobState state = s.record().state();
        if (state == JobState.SUCCEEDED || state == JobState.FAILED) {
            throw new ApiException(409, "job_finished", "job " + s.record().id() + " already " + state.wire());
        }
        x.json(200, JobView.of(s));
    }

    /** Server-Sent Events: first {@code status} (the job), then its events until it ends. */
    private void events(Exchange x) {
        JobEngine.Subscription[] sub = new JobEngine.Subscription[1];
        SseStream stream = new SseStream(x, () -> {
            if (sub[0] != null) {
                sub[0].close();
            }
        });
        Optional<JobEngine.Subscription> subscription = engine.subscribe(x.param(0), e -> stream.send(SseStream.event("job", e), e.terminal()));
        sub[0] = subscription.orElseThrow(() -> notFound(x.param(0)));
        JobEngine.JobStatus initial = sub[0].initial();
        stream.start(SseStream.event("status", JobView.of(initial)), initial.record().state().terminal());
    }

    static List<JobView> views(List<JobEngine.JobStatus> jobs) {
        return jobs.stream().map(JobView::of).toList();
    }

    /**
     * The job queue's fairness key: the peer plus its self-chosen tool name, so tools of one user share fairly. Only
     * ordering depends on the name; budgets use {@link RequestGuard#peerKey}.
     */
    private static String clientKey(Request request) {
        String name = request.getHeaders().get(RequestGuard.CLIENT_HEADER);
        String peer = RequestGuard.peerKey(request);
        if (name == null) {
            return peer;
        }
        String clean = name.replaceAll("[^A-Za-z0-9._-]", "");
        return peer + "/" + (clean.length() > 64 ? clean.substring(0, 64) : clean);
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "job_not_found", "no job " + id);
    }
}
