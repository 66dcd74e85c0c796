package dev.longplay.server.http;

/**
 * What a route asks of its caller beyond the checks every request passes (Host and Origin, the per-client read
 * rate). {@link RequestGuard#admit} applies it; a route states it in the route table and does no checks of its own.
 */
enum Access {

    /** Anyone who passed the Host/Origin check: it changes nothing (GETs, and the console files). */
    READ,

    /** A change: the install token or a console session, then the per-client write rate. */
    WRITE,

    /**
     * Opening a console session: a page of this server's own origin, in a browser of the user the server runs as
     * (where the system names socket owners), then the write rate. It hands out what a write needs.
     */
    OWNER
}
