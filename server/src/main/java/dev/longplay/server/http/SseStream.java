package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longplay.server.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Server-Sent Events response, written without blocking: messages queue up and are written one at a time
 * (Jetty allows one outstanding write). Any thread may {@link #send}; job workers never wait on a slow client.
 * Messages sent before {@link #start} wait behind the first message start supplies.
 */
final class SseStream extends IteratingCallback {

    private record Message(String text, boolean last) {
    }

    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
    private static final int MAX_PENDING = 1024;
    private static final long HEARTBEAT_SECONDS = 15;
    private static final AtomicLong IDS = new AtomicLong();

    private final Response response;
    private final Callback done;
    private final Scheduler scheduler;
    private final Runnable onEnd;
    private final ArrayDeque<Message> pending = new ArrayDeque<>();
    private volatile Scheduler.Task heartbeat;
    private boolean begun;
    private boolean lastQueued;
    private boolean lastWritten;

    /** A stream answering {@code x}; {@code onEnd} runs once when it ends, written out or cut off (unsubscribe there). */
    SseStream(Exchange x, Runnable onEnd) {
        this.response = x.response();
        this.done = x.callback();
        this.scheduler = x.request().getComponents().getScheduler();
        this.onEnd = onEnd;
    }

    /**
     * Starts the answer: status 200 and the event-stream headers, a heartbeat unless {@code first} is also the last
     * message, then {@code first} ahead of anything {@link #send} queued already.
     */
    void start(String first, boolean last) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put("X-Accel-Buffering", "no");
        if (!last) {
            keepAlive();
        }
        begin(first, last);
    }

    /** One event: a fresh id, its name and its data as JSON. */
    static String event(String name, Object data) {
        try {
            return "id: " + IDS.incrementAndGet() + "\nevent: " + name + "\ndata: " + Json.MAPPER.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a comment every 15 s until the stream ends, so idle proxies and Jetty's idle timeout do not close a
     * quiet stream during a long job.
     */
    private void keepAlive() {
        heartbeat = scheduler.schedule(() -> {
            if (!isSucceeded() && !isFailed()) {
                send(": ping\n\n", false);
                keepAlive();
            }
        }, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    private void begin(String first, boolean last) {
        synchronized (this) {
            begun = true;
            if (last) {
                pending.clear();
                lastQueued = true;
            }
            pending.addFirst(new Message(first, last));
        }
        iterate();
    }

    void send(String text, boolean last) {
        synchronized (this) {
            if (lastQueued) {
                return;
            }
            if (pending.size() >= MAX_PENDING && !last) {
                return; // a client this far behind only needs the final event; progress can be dropped
            }
            pending.add(new Message(text, last));
            lastQueued |= last;
            if (!begun) {
                return;
            }
        }
        iterate();
    }

    @Override
    protected Action process() {
        Message m;
        synchronized (this) {
            if (lastWritten) {
                return Action.SUCCEEDED;
            }
            m = begun ? pending.poll() : null;
            if (m == null) {
                return Action.IDLE;
            }
            lastWritten = m.last();
        }
        response.write(m.last(), ByteBuffer.wrap(m.text().getBytes(StandardCharsets.UTF_8)), this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        stopHeartbeat();
        onEnd.run();
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        stopHeartbeat();
        onEnd.run(); // the client went away: stop listening
        done.failed(cause);
    }

    private void stopHeartbeat() {
        Scheduler.Task h = heartbeat;
        if (h != null) {
            h.cancel();
        }
    }
}
