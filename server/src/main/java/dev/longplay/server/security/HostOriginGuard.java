package dev.longplay.server.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * DNS-rebinding and cross-site defence. The Host header must name a loopback address (or one the operator bound
 * to explicitly): a page on evil.example whose name re-resolves to 127.0.0.1 still sends "Host: evil.example".
 * An Origin, when sent, must be a loopback web origin; "null" (sandboxed frames, file: pages) is refused.
 */
public final class HostOriginGuard {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> extraHosts;

    /** @param extraHosts further host names or addresses accepted (e.g. a non-loopback address bound on purpose) */
    public HostOriginGuard(Set<String> extraHosts) {
        this.extraHosts = extraHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** @return why the request is refused, or empty when it may proceed */
    public Optional<String> check(String host, String origin) {
        if (host == null || host.isBlank()) {
            return Optional.of("a Host header is required");
        }
        if (!allowedHost(stripPort(host))) {
            return Optional.of("Host " + host + " is not this server's loopback address");
        }
        if (origin != null && !allowedOrigin(origin)) {
            return Optional.of("Origin " + origin + " is not allowed");
        }
        return Optional.empty();
    }

    /** True for an origin that may read responses (its value is echoed, never a wildcard). */
    public boolean allowedOrigin(String origin) {
        if (origin == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getUserInfo() != null
                    || !("http".equals(scheme) || "https".equals(scheme))) {
                return false;
            }
            return allowedHost(uri.getHost());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private boolean allowedHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (LOOPBACK_NAMES.contains(h) || extraHosts.contains(h)) {
            return true;
        }
        // Any 127.0.0.0/8 literal: dotted quad, each part 0-255.
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String stripPort(String host) {
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
            String port = h.substring(colon + 1);
            return port.matches("[0-9]{1,5}") ? h.substring(0, colon) : "\0invalid";
        }
        return h;
    }
}
