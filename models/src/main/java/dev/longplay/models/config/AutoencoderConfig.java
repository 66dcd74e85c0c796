package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code model.pretransform.config} of an autoencoder pretransform. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AutoencoderConfig(ComponentConfig encoder, ComponentConfig decoder, ComponentConfig bottleneck,
                                int latentDim, int downsamplingRatio, int ioChannels) {
}
