package dev.longplay.models.golden;

import java.util.List;

/** The golden components Longplay implements; each lives beside the code it checks. */
public final class GoldenComponents {

    private GoldenComponents() {
    }

    public static List<GoldenComponent> all() {
        return List.of(
        );
    }
}
