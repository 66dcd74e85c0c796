package dev.longplay.osc;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A received command, checked against {@link OscAddressSpace}: positional arguments converted to their
 * declared types (Integer, Double, String, byte[]) and the {@code key value} options.
 *
 * @param sender    where the packet came from (UDP source, or the TCP peer)
 * @param transport "udp" or "tcp"
 * @param due       when the command was due: its bundle's timetag or its at/atBeat option; empty = at once
 */
public record OscRequest(OscAddressDef def, List<Object> args, OscOptions options, InetSocketAddress sender,
                         String transport, Optional<Instant> due) {

    public OscRequest {
        args = List.copyOf(args);
    }

    public String address() {
        return def.address();
    }

    /** A positional argument by its name in the definition; empty when it was optional and not sent. */
    public Optional<Object> arg(String name) {
        int i = def.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(def.address() + " has no argument '" + name + "'");
        }
        return i < args.size() ? Optional.of(args.get(i)) : Optional.empty();
    }

    public String string(String name) {
        return (String) required(name);
    }

    public int integer(String name) {
        return (Integer) required(name);
    }

    public double number(String name) {
        return (Double) required(name);
    }

    /** The reqId argument, for commands that have one. */
    public OptionalInt requestId() {
        return def.indexOf("reqId") < 0 ? OptionalInt.empty() : OptionalInt.of(integer("reqId"));
    }

    private Object required(String name) {
        return arg(name).orElseThrow(() -> new IllegalArgumentException(
                def.address() + ": optional argument '" + name + "' was not sent; use arg()"));
    }
}
