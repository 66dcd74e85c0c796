package dev.longplay.server.http;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One Server-Sent Events response, written without blocking: messages queue up and are written one at a time
 * (Jetty allows one outstanding write). Any thread may {@link #send}; job workers never wait on a slow client.
 * Messages sent before {@link #begin} wait behind the first message begin supplies.
 */
final class SseStream extends IteratingCallback {

    private record Message(String text, boolean last) {
    }

    private static final int MAX_PENDING = 1024;

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
