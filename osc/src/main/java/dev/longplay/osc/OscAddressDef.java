package dev.longplay.osc;

import java.util.List;

/**
 * One address of the namespace: a command the server receives, or a message it sends (a reply, a
 * notification, or a message to another server such as scsynth).
 *
 * @param options the {@code key value} pairs allowed after the positional arguments; empty when none
 */
public record OscAddressDef(String address, Kind kind, String summary, List<OscArgSpec> args,
                            List<OscArgSpec> options, List<OscReplyForm> replies, List<OscErrorCode> errors) {

    public enum Kind {
        /** Sent by a client to Longplay. */
        COMMAND,
        /** Sent by Longplay to a client in answer to a command. */
        REPLY,
        /** Sent by Longplay to a client without being asked (progress of its jobs). */
        NOTIFICATION,
        /** Sent by Longplay to another OSC server (scsynth). */
        OUTGOING
    }

    public OscAddressDef {
        args = List.copyOf(args);
        options = List.copyOf(options);
        replies = List.copyOf(replies);
        errors = List.copyOf(errors);
        boolean seenOptional = false;
        for (OscArgSpec a : args) {
            if (a.required() && seenOptional) {
                throw new IllegalArgumentException(address + ": required argument after an optional one");
            }
            seenOptional |= !a.required();
        }
        if (!options.isEmpty() && seenOptional) {
            // "[a] [key value ...]" would be ambiguous when a key looks like a value.
            throw new IllegalArgumentException(address + ": options and optional arguments do not mix");
        }
    }

    public int requiredCount() {
        return (int) args.stream().filter(OscArgSpec::required).count();
    }

    /** Index of a positional argument by name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public String signature() {
        StringBuilder sb = new StringBuilder(address);
        for (OscArgSpec a : args) {
            sb.append(' ').append(a.required() ? a.name() : "[" + a.name() + "]");
        }
        if (!options.isEmpty()) {
            sb.append(" [key value ...]");
        }
        return sb.toString();
    }

    /** The OSC type tags of the positional arguments, optional ones in brackets: {@code if[s]}. */
    public String typeTags() {
        StringBuilder sb = new StringBuilder();
        for (OscArgSpec a : args) {
            sb.append(a.required() ? String.valueOf(a.type().tag()) : "[" + a.type().tag() + "]");
        }
        return sb.toString();
    }
}
