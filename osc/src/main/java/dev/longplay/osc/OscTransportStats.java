package dev.longplay.osc;

/**
 * Counters since start.
 *
 * @param packets     packets (datagrams or SLIP frames) received
 * @param commands    messages checked and carried out or handed to the handler
 * @param malformed   packets JavaOSC could not parse (dropped)
 * @param oversized   packets over maxPacketBytes, or SLIP frames with a bad escape (dropped unread)
 * @param rateLimited packets over their client's rate or the shared one (dropped unread)
 * @param failed      messages answered with /fail by the transport (unknown address, bad argument, auth)
 */
public record OscTransportStats(long packets, long commands, long malformed, long oversized, long rateLimited,
                                long failed) {
}
