package dev.longplay.server.jobs;

import java.nio.file.Path;

/**
 * A LoRA adapter applied to one job (Stable Audio 3 models): its name in the server's LoRA folder, the file that name
 * resolved to (inside that folder), and its strength. Adapters stack in the order given.
 */
public record LoraChoice(String name, Path file, double strength) {

    public static final double MAX_STRENGTH = 4.0;

    public LoraChoice {
        if (name == null || file == null) {
            throw new IllegalArgumentException("a LoRA needs a name and a file");
        }
        if (!Double.isFinite(strength) || Math.abs(strength) > MAX_STRENGTH) {
            throw new IllegalArgumentException("LoRA strength must be in [-" + MAX_STRENGTH + ", " + MAX_STRENGTH
                    + "], got " + strength + " for " + name);
        }
    }
}
