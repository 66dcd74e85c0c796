package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Relative-position buckets at a boundary where the arithmetic decides: 39 buckets, max distance 49, distance 21
 * (log(21/9) / log(49/9) * 10 is exactly 5). The expected buckets are those Hugging Face's
 * T5Attention._relative_position_bucket gives for the golden case t5_odd_buckets (its float32 formula lands on 5.0
 * and truncates to 5); other orders of the arithmetic (the float32 quotient's log widened to double: 4.9999995)
 * land just below 5 and would give one bucket less.
 */
class T5RelativeBucketTest {

    @Test
    void followsTheReferenceFloat32FormulaAtABucketBoundary() {
        GoldenCase gc = GoldenCase.open(GoldenDirs.ownCase("t5_odd_buckets"));
        T5Config config = T5Config.load(gc.modelDir().resolve("config.json"));
        assertEquals(39, config.relativeAttentionNumBuckets());
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile file = SafetensorsFile.open(gc.modelFile());
             T5Encoder encoder = T5Encoder.load(new StateDict(file, manager.newSubManager(), DataType.FLOAT32), config)) {
            assertEquals(14, encoder.bucket(-21), "key 21 before the query");
            assertEquals(33, encoder.bucket(21), "key 21 after the query");
            assertEquals(13, encoder.bucket(-20));
            assertEquals(32, encoder.bucket(20));
            assertEquals(5, encoder.bucket(-5));
            assertEquals(18, encoder.bucket(-200), "far positions clamp to the last bucket of a direction");
        }
    }
}
