package dev.longplay.server.cli;

import java.nio.file.Path;

/**
 * DJL settings that must be in place before the engine starts: never reach the network, keep the extracted
 * libtorch in Longplay's own cache, use the machine's cores.
 */
final class EngineSetup {

    private EngineSetup() {
    }

    static void configureDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        // DJL's start-up chatter (thread counts, engine versions) is not for musicians' terminals.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "warn");
        // Probing for CUDA on a CPU-only build warns about the driver; that is expected, not a problem.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
        // DJL's api jar otherwise tries a telemetry call home at start.
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            String home = System.getProperty("user.home");
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg, "longplay", "djl")
                    : Path.of(home, ".cache", "longplay", "djl");
            System.setProperty("DJL_CACHE_DIR", cache.toString());
        }
        String threads = String.valueOf(Runtime.getRuntime().availableProcessors());
        setIfAbsent("ai.djl.pytorch.num_threads", threads);
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
