package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** {@code model.conditioning}: the conditioners by id, and the width they all project to. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConditioningConfig(List<Conditioner> configs, int condDim) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Conditioner(String id, String type, JsonNode config) {
    }

    public Conditioner byId(String id) {
        return configs.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }
}
