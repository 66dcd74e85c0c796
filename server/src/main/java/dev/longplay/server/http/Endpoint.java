package dev.longplay.server.http;

/** What a route runs once the guard has let its request in. Exceptions become answers in {@link ApiErrors}. */
@FunctionalInterface
interface Endpoint {
    void handle(Exchange x) throws Exception;
}
