package dev.longplay.server;

import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscClient;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A test's OSC client as Max and Pd are: it sends from one socket and, after {@code /notify 1 replyPort}, takes replies
 * and notifications on another. Replies that arrive while another is awaited are kept, since replies to different
 * commands (and notifications such as /play/end) interleave.
 */
public final class OscTestClient implements AutoCloseable {
    public final OscClient send;
    public final OscClient replies;
    private final Duration wait;
    private final List<OSCMessage> seen = new ArrayList<>();

    public OscTestClient(InetSocketAddress server, Duration wait) throws Exception {
        this.wait = wait;
        send = OscClient.udp(server);
        replies = OscClient.udp(server);
        send.send("/notify", 1, replies.localPort());
        assertNotNull(replies.await(m -> isDone(m, "/notify"), Duration.ofSeconds(5)), "/notify was answered on the reply port");
    }

    public OSCMessage await(Predicate<OSCMessage> wanted, String what) throws Exception {
        for (OSCMessage m : seen) {
            if (wanted.test(m)) {
                seen.remove(m);
                return m;
            }
        }
        OSCMessage m = replies.await(r -> {
            if (wanted.test(r)) {
                return true;
            }
            seen.add(r);
            return false;
        }, wait);
        assertNotNull(m, "no " + what);
        return m;
    }

    /** The /done or /fail answering {@code command}. */
    public OSCMessage reply(String command) throws Exception {
        return await(r -> r.getAddress().matches("/done|/fail") && r.getArguments().get(0).equals(command),
                "/done or /fail for " + command);
    }

    /** The /done or /fail answering {@code command} with this reqId. */
    public OSCMessage reply(String command, int reqId) throws Exception {
        return await(r -> r.getAddress().matches("/done|/fail") && r.getArguments().get(0).equals(command)
                && reqId(r) == reqId, "/done or /fail for " + command + " " + reqId);
    }

    public static boolean isDone(OSCMessage m, String command) {
        return m.getAddress().equals("/done") && m.getArguments().get(0).equals(command);
    }

    /** The reqId of a /done (second value) or /fail (last value) of a /gen command. */
    public static int reqId(OSCMessage m) {
        List<Object> a = m.getArguments();
        Object id = m.getAddress().equals("/done") ? (a.size() > 1 ? a.get(1) : null) : a.get(a.size() - 1);
        return id instanceof Integer i ? i : -1;
    }

    @Override
    public void close() throws Exception {
        send.close();
        replies.close();
    }
}
