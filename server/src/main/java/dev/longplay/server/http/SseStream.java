package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longplay.server.io.Json;
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
 * Messages sent before {@link #begin} wait behind the first message begin supplies.
 */
final class SseStream extends IteratingCallback {

    private record Message(String text, boolean last) {
    }

    private static final int MAX_PENDING = 1024;
    private static final long HEARTBEAT_SECONDS = 15;
    private static final AtomicLong IDS = new AtomicLong();

    private final Response response;
    private final Callback done;
    private final Runnable onEnd;
    private final ArrayDeque<Message> pending = new ArrayDeque<>();
    private boolean begun;
    private boolean lastQueued;
    private boolean lastWritten;

    SseStream(Response response, Callback done, Runnable onEnd) {
        this.response = response;
        this.done = done;
        this.onEnd = onEnd;
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
     * quiet stream during a long job; {@code holder[0]} is the pending task, for cancelling it.
     */
    void keepAlive(Scheduler scheduler, Scheduler.Task[] holder) {
        holder[0] = scheduler.schedule(() -> {
            if (!isSucceeded() && !isFailed()) {
                send(": ping\n\n", false);
                keepAlive(scheduler, holder);
            }
        }, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    void begin(String first, boolean last) {
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
        onEnd.run();
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        onEnd.run(); // the client went away: stop listening
        done.failed(cause);
    }
}
