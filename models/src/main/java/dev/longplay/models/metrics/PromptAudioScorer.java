package dev.longplay.models.metrics;

/** How well a clip matches its prompt (higher is better); CLAP's cosine similarity is one. */
public interface PromptAudioScorer extends AutoCloseable {

    /** audio: [channels][frames] at sampleRate; resampling and downmixing are the scorer's job. */
    double score(String prompt, float[][] audio, int sampleRate);

    /** Recorded beside the score in clip metadata, e.g. "clap:laion/clap-htsat-unfused". */
    String name();

    @Override
    default void close() {
    }
}
