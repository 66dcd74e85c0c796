package dev.longplay.models.pipeline;

import java.nio.file.Path;

/** A LoRA adapter file and the strength to apply it at (1 = as trained, 0 = no effect). */
public record LoraSpec(Path file, double strength) {
}
