package dev.longplay.models.training;

import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.nn.ComputeTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How {@link Trainer#start} begins a run in {@code dir} (which must not hold one), in one of three ways:
 * <ul>
 *   <li>{@link #newModel}: random weights for {@code modelConfig}, with a T5 text encoder config and tokenizer
 *   (the built-in small T5 and the v1 vocabulary's tokenizer unless {@link #withVocabulary} or
 *   {@link #withTextEncoder} say otherwise);</li>
 *   <li>{@link #onAutoencoderOf}: as a new model, but only its diffusion model trains, on the frozen trained
 *   autoencoder of {@code autoencoderFrom};</li>
 *   <li>{@link #fineTune}: from the trained model folder {@code initFrom}, its config, weights, text encoder and
 *   tokenizer (so {@code modelConfig} and {@code textEncoderConfig} are null), or with {@link #withVocabulary}
 *   another word-level {@code tokenizer}, its text encoder's embedding moved onto it
 *   ({@link VocabularyTransfer}).</li>
 * </ul>
 * With {@code added} conditioners the model also conditions on what each prompt names of them, its tempo as a
 * number or its key as a class ({@link #withConditioner}). The run trains on {@code target}'s device, in fp32.
 */
public record TrainingStart(Path dir, TrainingRecipe recipe, byte[] modelConfig, byte[] textEncoderConfig,
                            byte[] tokenizer, Path autoencoderFrom, Path initFrom, Set<AddedConditioner> added,
                            ComputeTarget target) {

    private static final String RESOURCES = "/dev/longplay/models/";
    private static final String TEXT_ENCODER_CONFIG = "tiny/text_encoder_config.json";

    public TrainingStart {
        if (dir == null || recipe == null || target == null) {
            throw new IllegalArgumentException("a new run needs a folder, a recipe and a device");
        }
        added = added.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(added));
        if (initFrom != null && (modelConfig != null || textEncoderConfig != null || autoencoderFrom != null)) {
            throw new IllegalArgumentException("a fine-tune takes its model's own config, autoencoder and text"
                    + " encoder");
        }
        if (initFrom == null && (modelConfig == null || textEncoderConfig == null || tokenizer == null)) {
            throw new IllegalArgumentException("a new model needs a model config, a text encoder config and a"
                    + " tokenizer");
        }
    }

    /** A new model from random weights for {@code modelConfig}, with the built-in T5 and v1 tokenizer, on the CPU. */
    public static TrainingStart newModel(Path dir, TrainingRecipe recipe, byte[] modelConfig) {
        return new TrainingStart(dir, recipe, modelConfig, resource(TEXT_ENCODER_CONFIG),
                resource(PromptVocabulary.V1.tokenizerResource()), null, null, Set.of(), ComputeTarget.CPU);
    }

    /**
     * A fine-tune of the trained model folder {@code model}, on the CPU (as the reference's pretrained-checkpoint
     * option does).
     */
    public static TrainingStart fineTune(Path dir, TrainingRecipe recipe, Path model) {
        return new TrainingStart(dir, recipe, null, null, null, null, model, Set.of(), ComputeTarget.CPU);
    }

    /**
     * The same start with the built-in tokenizer of {@code vocabulary}. A fine-tune keeps its model's text encoder,
     * its embedding rows following their words onto the new tokenizer.
     */
    public TrainingStart withVocabulary(PromptVocabulary vocabulary) {
        return new TrainingStart(dir, recipe, modelConfig, textEncoderConfig,
                resource(vocabulary.tokenizerResource()), autoencoderFrom, initFrom, added, target);
    }

    /** The same start with another T5 text encoder config and tokenizer. */
    public TrainingStart withTextEncoder(byte[] config, byte[] tokenizerJson) {
        return new TrainingStart(dir, recipe, modelConfig, config, tokenizerJson, autoencoderFrom, initFrom,
                added, target);
    }

    /**
     * The same start training only a diffusion model, on the trained autoencoder of the model folder {@code model}
     * (as the reference's pretrained-pretransform option does).
     */
    public TrainingStart onAutoencoderOf(Path model) {
        return new TrainingStart(dir, recipe, modelConfig, textEncoderConfig, tokenizer, model, initFrom,
                added, target);
    }

    /**
     * The same start with {@code conditioner} added to the model; a fine-tune keeps every other weight of its model
     * and starts the new conditioner at random.
     */
    public TrainingStart withConditioner(AddedConditioner conditioner) {
        Set<AddedConditioner> more = EnumSet.of(conditioner);
        more.addAll(added);
        return new TrainingStart(dir, recipe, modelConfig, textEncoderConfig, tokenizer, autoencoderFrom, initFrom,
                more, target);
    }

    /** The same start on {@code device}. */
    public TrainingStart on(ComputeTarget device) {
        return new TrainingStart(dir, recipe, modelConfig, textEncoderConfig, tokenizer, autoencoderFrom, initFrom,
                added, device);
    }

    private static byte[] resource(String path) {
        try (InputStream in = TrainingStart.class.getResourceAsStream(RESOURCES + path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
