package dev.longplay.osc;

/**
 * What the server plugs into the transport: receives every checked command except the ones the osc
 * module answers itself (/notify, /auth, /sync, /version).
 *
 * <p>Contract: runs on a transport thread (the UDP receiver, a TCP connection, or the bundle scheduler),
 * possibly several at once, so it must be thread-safe and must not block: validate, submit, return.
 * Every command must eventually be answered with {@code /done} or {@code /fail} through the replier, now or
 * later from a job thread. Throwing {@link OscCommandException} sends {@code /fail} with its code (and the
 * reqId); any other exception sends {@code /fail ... E_INTERNAL} and is logged.
 */
@FunctionalInterface
public interface OscRequestHandler {
    void handle(OscRequest request, OscReplier replier);
}
