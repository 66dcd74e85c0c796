package dev.longplay.models.dataset;

/** An example with the prompt it is trained or measured with: {@code prompt} describes {@code spec}. */
public record WordedExample(SoundSpec spec, String prompt) {
}
