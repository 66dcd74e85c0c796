package dev.longplay.server.http;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the route table: method, path pattern ({@code {x}} matches one non-empty segment), what the caller
 * must prove ({@link Access}) and the endpoint. Rows are data; the dispatcher alone decides what runs.
 */
record Route(String method, String pattern, Access access, Endpoint endpoint) {

    /** Only a GET is open to all: it changes nothing, and anything that changes something needs more. */
    Route {
        if ((access == Access.READ) != method.equals("GET")) {
            throw new IllegalArgumentException(method + " " + pattern + ": only GET routes are READ, and every GET is");
        }
    }

    static Route read(String pattern, Endpoint endpoint) {
        return new Route("GET", pattern, Access.READ, endpoint);
    }

    static Route write(String method, String pattern, Endpoint endpoint) {
        return new Route(method, pattern, Access.WRITE, endpoint);
    }

    /** An event stream never ends: a HEAD gets its headers without subscribing. */
    boolean eventStream() {
        return pattern.endsWith("/events");
    }

    /** The path's parameters when {@code segments} (a path split at '/') fits the pattern, else null. */
    List<String> match(String[] segments) {
        String[] pattern = this.pattern.equals("/") ? new String[0] : this.pattern.substring(1).split("/");
        if (pattern.length != segments.length) {
            return null;
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                params.add(segments[i]);
            } else if (!pattern[i].equals(segments[i])) {
                return null;
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }
}
