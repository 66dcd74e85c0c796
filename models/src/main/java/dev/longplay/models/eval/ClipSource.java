package dev.longplay.models.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SoundSynth;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;

/**
 * Where the clips that {@link PromptAdherence} measures come from: the model generating from the prompt, or —
 * as bounds on what the measures can show — the synthesiser's own rendering of the prompt, and that rendering
 * passed through the model's autoencoder (the best a diffusion model on those latents could do).
 */
public interface ClipSource {

    /** A clip of about {@code seconds} for {@code spec}, as [channel][sample]; {@code seed} varies the noise. */
    float[][] clip(SoundSpec spec, double seconds, long seed);

    /**
     * As {@link #clip(SoundSpec, double, long)} asked in other words: {@code prompt} describes {@code spec}. Sources
     * that render the spec itself (the synthesiser, the autoencoder) ignore the words.
     */
    default float[][] clip(SoundSpec spec, String prompt, double seconds, long seed) {
        return clip(spec, seconds, seed);
    }

    /** The model's generation from the spec's prompt; {@code cfgScale} null keeps the model's default. */
    static ClipSource generated(StableAudioPipeline model, int steps, Double cfgScale) {
        return new ClipSource() {
            @Override
            public float[][] clip(SoundSpec spec, double seconds, long seed) {
                return clip(spec, spec.prompt(), seconds, seed);
            }

            @Override
            public float[][] clip(SoundSpec spec, String prompt, double seconds, long seed) {
                GeneratedAudio a = model.generate(GenerationParams.builder().prompt(prompt).seconds(seconds)
                        .seed(seed).steps(steps).cfgScale(cfgScale).build(), GenerationListener.NONE);
                return a.samples();
            }
        };
    }

    /** The synthesiser's rendering of the spec: what the measures give on the training data itself. */
    static ClipSource synthesised(int sampleRate) {
        SoundSynth synth = new SoundSynth(sampleRate);
        return (spec, seconds, seed) -> synth.render(spec, Math.toIntExact(Math.round(seconds * sampleRate)));
    }

    /** The synthesiser's rendering encoded and decoded by the model's autoencoder (VAE noise drawn from seed). */
    static ClipSource reconstructed(StableAudioPipeline model) {
        SoundSynth synth = new SoundSynth(model.sampleRate());
        AudioAutoencoder ae = model.autoencoder();
        return (spec, seconds, seed) -> {
            int ratio = ae.downsamplingRatio();
            int samples = Math.toIntExact(Math.max(1, Math.round(seconds * model.sampleRate() / ratio)) * ratio);
            float[][] audio = synth.render(spec, samples);
            int channels = model.config().audioChannels();
            float[] flat = new float[channels * samples];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(audio[Math.min(c, audio.length - 1)], 0, flat, c * samples, samples);
            }
            try (NDManager m = model.target().newManager()) {
                NDArray in = m.create(flat, new Shape(1, channels, samples));
                NDArray latents = ae.encode(in, seed);
                latents.attach(m);
                NDArray out = ae.decode(latents);
                out.attach(m);
                float[] decoded = out.toFloatArray();
                int length = decoded.length / channels;
                float[][] result = new float[channels][length];
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(decoded, c * length, result[c], 0, length);
                }
                return result;
            }
        };
    }
}
