package dev.longplay.osc;

import com.illposed.osc.OSCMessage;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The way back to one client. Keep it as long as the job runs: it stays valid after the handler returns
 * and may be used from any thread. Sending never blocks for long and never throws on a vanished client
 * (a closed TCP connection or a full send queue drops the message).
 */
public interface OscReplier {

    /** Where replies go now: the sender, or its host and the replyPort given with /notify. */
    InetSocketAddress target();

    /** Whether this client registered with {@code /notify 1}. */
    boolean registered();

    /** Sends a reply. */
    void send(OSCMessage message);

    /** Sends a notification (such as /gen/progress), only if the client registered with /notify 1. */
    default void notify(OSCMessage message) {
        if (registered()) {
            send(message);
        }
    }

    default void send(String address, Object... args) {
        send(new OSCMessage(address, wire(args)));
    }

    /** {@code /done <command> values...}. */
    default void done(String command, Object... values) {
        List<Object> args = new ArrayList<>(values.length + 1);
        args.add(command);
        args.addAll(Arrays.asList(values));
        send(new OSCMessage(OscAddressSpace.DONE, wire(args.toArray())));
    }

    /** {@code /fail <command> <code> <message>}. */
    default void fail(String command, OscErrorCode code, String message) {
        send(OscAddressSpace.FAIL, command, code.name(), message);
    }

    /** {@code /fail <command> <code> <message> [reqId]}: reqId follows when the request carries one. */
    default void fail(OscRequest request, OscErrorCode code, String message) {
        if (request.requestId().isPresent()) {
            send(OscAddressSpace.FAIL, request.address(), code.name(), message, request.requestId().getAsInt());
        } else {
            fail(request.address(), code, message);
        }
    }

    /**
     * Arguments as every OSC client reads them: doubles become 32-bit floats ('f'; Pd and Max read no
     * 'd'), longs within int range become ints.
     */
    static List<Object> wire(Object... args) {
        List<Object> out = new ArrayList<>(args.length);
        for (Object a : args) {
            if (a instanceof Double d) {
                out.add(d.floatValue());
            } else if (a instanceof Long l && l == l.intValue()) {
                out.add(l.intValue());
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
