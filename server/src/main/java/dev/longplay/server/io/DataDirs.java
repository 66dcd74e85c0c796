package dev.longplay.server.io;

import java.nio.file.Path;

/** Where Longplay keeps things, following the XDG base directory conventions. */
public final class DataDirs {

    private DataDirs() {
    }

    /** {@code $XDG_DATA_HOME/longplay}, else {@code ~/.local/share/longplay}. */
    public static Path data() {
        return xdg("XDG_DATA_HOME", ".local/share");
    }

    /** {@code $XDG_CONFIG_HOME/longplay}, else {@code ~/.config/longplay}. */
    public static Path config() {
        return xdg("XDG_CONFIG_HOME", ".config");
    }

    /** {@code $XDG_CACHE_HOME/longplay}, else {@code ~/.cache/longplay}: things that can be made again. */
    public static Path cache() {
        return xdg("XDG_CACHE_HOME", ".cache");
    }

    private static Path xdg(String variable, String fallback) {
        String v = System.getenv(variable);
        // The spec says relative values are invalid and must be ignored.
        if (v != null && !v.isBlank() && Path.of(v).isAbsolute()) {
            return Path.of(v, "longplay");
        }
        return Path.of(System.getProperty("user.home"), fallback, "longplay");
    }
}
