package dev.longplay.models.clap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.nn.ComputeTarget;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.audio.Resampler;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole CLAP model (text and HTSAT audio branches, Hugging Face layout such as laion/clap-htsat-unfused) as a
 * prompt-audio scorer: the CLAP score is the cosine similarity of the prompt's and the clip's normalised
 * embeddings, in [−1, 1]. Audio is downmixed to mono (the mean of the channels, as stable-audio-tools'
 * CLAPAudioConditioner does) and resampled to the front end's rate.
 */
public final class ClapModel implements PromptAudioScorer {

    private final String name;
    private final NDManager manager;
    private final ClapTokenizer tokenizer;
    private final ClapTextEncoder text;
    private final ClapAudioEncoder audio;
    private final ClapMel mel;

    private ClapModel(String name, NDManager manager, ClapTokenizer tokenizer, ClapTextEncoder text,
                      ClapAudioEncoder audio, ClapMel mel) {
        this.name = name;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.text = text;
        this.audio = audio;
        this.mel = mel;
    }

    /** A CLAP folder in the Hugging Face layout: config.json, model.safetensors, tokenizer.json, preprocessor_config.json. */
    public static ClapModel load(Path dir) {
        return load(dir, ComputeTarget.CPU);
    }

    /** As {@link #load(Path)} onto {@code target}'s device (always float32: scores are compared across runs). */
    public static ClapModel load(Path dir, ComputeTarget target) {
        NDManager manager = target.newManager();
        try (ClapCheckpoint clap = ClapCheckpoint.open(dir, null)) {
            if (clap.config() == null || !clap.file().contains("audio_model.audio_encoder.patch_embed.proj.weight")) {
                throw new CheckpointException(clap.file().describe() + " has no audio branch in the Hugging Face layout "
                        + "(audio_model.*); CLAP scores need one (e.g. laion/clap-htsat-unfused)");
            }
            Path pre = dir.resolve("preprocessor_config.json");
            ClapMel mel = new ClapMel(ClapMel.Config.fromJson(readJson(pre), pre.toString()));
            ClapAudioConfig audioConfig = ClapAudioConfig.fromHf(clap.config(), dir.resolve("config.json").toString());
            if (mel.config().melBins() != audioConfig.melBins()) {
                throw new CheckpointException("feature_size " + mel.config().melBins() + " in " + pre
                        + " differs from the audio branch's num_mel_bins " + audioConfig.melBins());
            }
            ClapTextEncoder text = ClapTextEncoder.load(
                    new StateDict(clap.file(), manager.newSubManager(), DataType.FLOAT32), clap.textKeys(),
                    clap.textConfig());
            ClapAudioEncoder audio = ClapAudioEncoder.load(
                    new StateDict(clap.file(), manager.newSubManager(), DataType.FLOAT32), audioConfig);
            String id = clap.config().path("_name_or_path").asText("");
            ClapTokenizer tokenizer = ClapTokenizer.load(clap.tokenizer(), clap.textConfig().padTokenId());
            return new ClapModel("clap:" + (id.isBlank() ? dir.getFileName() : id), manager, tokenizer, text, audio,
                    mel);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return ModelConfig.JSON.readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException("missing file: " + file + " (the CLAP feature extractor's settings)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public ClapMel mel() {
        return mel;
    }

    public ClapAudioEncoder audioEncoder() {
        return audio;
    }

    /** The normalised text embeddings [B, P] of the prompts, in {@code out}. */
    public NDArray textEmbeddings(List<String> prompts, NDManager out) {
        T5Tokenizer.Batch batch = tokenizer.encode(prompts);
        return text.embedding(batch.ids(), batch.mask(), out);
    }

    /**
     * The normalised audio embedding [P] of a clip: the mean of its windows' embeddings, normalised again (one
     * window for clips up to the front end's max_length_s).
     */
    public NDArray audioEmbedding(float[][] audioChannels, int sampleRate, NDManager out) {
        float[] mono = mono(audioChannels);
        float[] resampled = Resampler.resample(new float[][]{mono}, sampleRate, mel.config().sampleRate())[0];
        List<float[][]> windows = mel.windows(resampled);
        try (NDManager scope = out.newSubManager()) {
            NDArray e = audio.embedding(audio.pooled(windows, scope)).mean(new int[]{0});
            NDArray normalised = e.div(e.norm().maximum(1e-12f));
            normalised.attach(out);
            return normalised;
        }
    }

    @Override
    public synchronized double score(String prompt, float[][] audioChannels, int sampleRate) {
        if (audioChannels == null || audioChannels.length == 0 || audioChannels[0].length == 0) {
            throw new IllegalArgumentException("CLAP score needs audio with at least one channel and one frame");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray t = textEmbeddings(List.of(prompt == null ? "" : prompt), scope).get(0);
            NDArray a = audioEmbedding(audioChannels, sampleRate, scope);
            return t.mul(a).sum().getFloat();
        }
    }

    private static float[] mono(float[][] channels) {
        float[] m = new float[channels[0].length];
        for (float[] ch : channels) {
            if (ch.length != m.length) {
                throw new IllegalArgumentException("audio channels differ in length");
            }
            for (int i = 0; i < m.length; i++) {
                m[i] += ch[i] / channels.length;
            }
        }
        return m;
    }

    @Override
    public void close() {
        tokenizer.close();
        text.close();
        audio.close();
        manager.close();
    }
}
