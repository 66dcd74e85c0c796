package dev.longplay.models.sa3;

import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Stable Audio 3 generation reports its stages in the one {@link Stage} vocabulary, conditioning first. */
class Sa3ProgressTest {

    @Test
    void progressReportsConditioningBeforeSampling(@TempDir Path tmp) throws Exception {
        try (Sa3Pipeline p = TinySa3Model.load(TinySa3Model.write(tmp.resolve("m")))) {
            List<Stage> seen = new ArrayList<>();
            p.generate(GenerationParams.builder().prompt("dark synth").seconds(1.0).seed(3).steps(2).build(), new GenerationListener() {
                @Override
                public void onProgress(Stage stage, int step, int total) {
                    if (seen.isEmpty() || seen.get(seen.size() - 1) != stage) {
                        seen.add(stage);
                    }
                }
            });
            assertEquals(List.of(Stage.CONDITIONING, Stage.SAMPLING, Stage.DECODING), seen);
        }
    }
}
