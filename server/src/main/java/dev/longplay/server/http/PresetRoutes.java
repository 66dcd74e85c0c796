package dev.longplay.server.http;

import dev.longplay.server.presets.PresetCatalog;
import dev.longplay.server.requests.JobSpecResolver;

import java.util.List;
import java.util.Map;

/** What a job may name besides a model: {@code GET /v1/presets} (with the catalog's load problems) and {@code GET /v1/loras}. */
final class PresetRoutes {

    private final PresetCatalog presets;
    private final JobSpecResolver resolver;

    PresetRoutes(PresetCatalog presets, JobSpecResolver resolver) {
        this.presets = presets;
        this.resolver = resolver;
    }

    List<Route> routes() {
        return List.of(
                Route.read("/v1/presets", x -> x.json(200, Map.of("presets", presets.all(), "problems", presets.problems()))),
                Route.read("/v1/loras", x -> x.json(200, Map.of("loras", resolver.loras().list()))));
    }
}
