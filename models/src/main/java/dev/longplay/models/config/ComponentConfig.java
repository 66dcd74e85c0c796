package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** A {@code {"type": ..., "config": {...}}} pair, the schema's way of naming a component and its settings. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComponentConfig(String type, JsonNode config) {
}
