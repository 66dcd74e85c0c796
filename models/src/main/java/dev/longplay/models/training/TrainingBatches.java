package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.dataset.SoundSynth;
import dev.longplay.models.dataset.SyntheticDataset;
import dev.longplay.models.dataset.WordedExample;

import java.util.ArrayList;
import java.util.List;

/**
 * The batches of a run: batch {@code n} holds training examples {@code n·B … n·B + B − 1}, so it is the same
 * on a resumed run as on an uninterrupted one. Prompts are worded in the run's {@link PromptVocabulary}.
 */
final class TrainingBatches {

    record Batch(NDArray audio, List<String> prompts) {
    }

    private final SyntheticDataset dataset;
    private final SoundSynth synth;
    private final int channels;
    private final int batchSize;
    private final PromptVocabulary vocabulary;

    TrainingBatches(long datasetSeed, int sampleRate, int channels, int batchSize) {
        this(datasetSeed, sampleRate, channels, batchSize, PromptVocabulary.V1);
    }

    TrainingBatches(long datasetSeed, int sampleRate, int channels, int batchSize, PromptVocabulary vocabulary) {
        this.dataset = new SyntheticDataset(datasetSeed);
        this.vocabulary = vocabulary;
        this.synth = new SoundSynth(sampleRate);
        this.channels = channels;
        this.batchSize = batchSize;
    }

    /** Batch {@code n} of {@code samples} per clip, offset per phase so the two phases see different examples. */
    Batch batch(long n, long phaseOffset, int samples, NDManager manager) {
        return batch(SyntheticDataset.Split.TRAIN, phaseOffset + n * batchSize, samples, manager);
    }

    private Batch batch(SyntheticDataset.Split split, long first, int samples, NDManager manager) {
        float[] flat = new float[batchSize * channels * samples];
        List<String> prompts = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            WordedExample example = dataset.worded(split, first + i, vocabulary);
            float[][] audio = synth.render(example.spec(), samples);
            for (int c = 0; c < channels; c++) {
                float[] src = channels == 1 ? mono(audio) : audio[c];
                System.arraycopy(src, 0, flat, (i * channels + c) * samples, samples);
            }
            prompts.add(example.prompt());
        }
        return new Batch(manager.create(flat, new Shape(batchSize, channels, samples)), prompts);
    }

    /** Validation batch {@code n}: the training label combinations with other seeds, never trained on. */
    Batch validationBatch(long n, int samples, NDManager manager) {
        return batch(SyntheticDataset.Split.VALIDATION, n * batchSize, samples, manager);
    }

    private static float[] mono(float[][] stereo) {
        float[] m = new float[stereo[0].length];
        for (int i = 0; i < m.length; i++) {
            m[i] = 0.5f * (stereo[0][i] + stereo[1][i]);
        }
        return m;
    }
}
