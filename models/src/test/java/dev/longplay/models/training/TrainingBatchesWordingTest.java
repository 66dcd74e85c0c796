package dev.longplay.models.training;

import ai.djl.ndarray.NDManager;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.dataset.SyntheticDataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A run's batches carry the prompts of its vocabulary: V1 the labels runs always had, V2 the varied wording. */
class TrainingBatchesWordingTest {

    @Test
    void batchesAreWordedInTheRunsVocabulary() {
        SyntheticDataset ds = new SyntheticDataset(11);
        try (NDManager m = NDManager.newBaseManager()) {
            List<String> v1 = new TrainingBatches(11, 8000, 2, 4).batch(3, 0, 256, m).prompts();
            List<String> v2 = new TrainingBatches(11, 8000, 2, 4, PromptVocabulary.V2).batch(3, 0, 256, m).prompts();
            for (int i = 0; i < 4; i++) {
                assertEquals(ds.example(SyntheticDataset.Split.TRAIN, 12 + i).prompt(), v1.get(i));
                assertEquals(ds.worded(SyntheticDataset.Split.TRAIN, 12 + i, PromptVocabulary.V2).prompt(), v2.get(i));
            }
        }
    }
}
