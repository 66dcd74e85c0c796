package dev.longplay.osc;

import java.util.List;

/** One message the server may send in answer to a command, e.g. {@code /done /gen/text reqId clipId ...}. */
public record OscReplyForm(String address, List<OscArgSpec> args, String description) {
    public OscReplyForm {
        args = List.copyOf(args);
    }

    /** The message as a one-line signature: {@code /done /gen/cancel reqId}. */
    public String signature() {
        StringBuilder sb = new StringBuilder(address);
        for (OscArgSpec a : args) {
            sb.append(' ').append(a.required() ? a.name() : "[" + a.name() + "]");
        }
        return sb.toString();
    }
}
