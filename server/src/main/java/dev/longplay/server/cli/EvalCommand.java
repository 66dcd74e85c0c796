package dev.longplay.server.cli;

import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.eval.ClipSource;
import dev.longplay.models.eval.PromptAdherence;
import dev.longplay.models.eval.WordingAdherence;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code longplay eval --model DIR}: prompt adherence on held-out label combinations of the synthetic set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure how a model follows held-out prompts of the synthetic set: tempo, root pitch class, "
                + "dark/bright order, stereo placement, and a Fréchet distance to synthesised references; then "
                + "tempos and wordings (word orders, key spellings) kept out of training.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR|HF-ID", description = "the model to measure")
    String model;

    @Option(names = "--prompts", defaultValue = "24", paramLabel = "N", description = "held-out prompts (default 24)")
    int prompts;

    @Option(names = "--wording-prompts", defaultValue = "24", paramLabel = "N",
            description = "prompts of each held-out wording set: drum loops at tempos never trained (73, 83, ... 173),"
                    + " and sounds asked in a trained and in a held-out word order and key spelling (default 24; 0 skips)")
    int wordingPrompts;

    @Option(names = "--seconds", defaultValue = "2", paramLabel = "S", description = "clip length (default 2)")
    double seconds;

    @Option(names = "--steps", defaultValue = "25", paramLabel = "N", description = "sampler steps (default 25)")
    int steps;

    @Option(names = "--dataset-seed", defaultValue = "20261125", paramLabel = "N",
            description = "the synthetic set's seed, as in training (default 20261125)")
    long datasetSeed;

    @Option(names = "--cfg", paramLabel = "SCALE", description = "classifier-free guidance scale (default: the model's)")
    Double cfgScale;

    @Option(names = "--source", defaultValue = "generated", paramLabel = "WHAT",
            description = "clips measured: generated (the model from the prompt), reconstructed (the synthesiser's "
                    + "clip through the model's autoencoder: the most the diffusion model can reach) or synthesised "
                    + "(the synthesiser's clip: the most the measures can show)")
    Source source;

    enum Source { generated, reconstructed, synthesised }

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    @Override
    public Integer call() {
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelLocator.fromEnvironment().locate(model), model,
                compute.target())) {
            ClipSource clips = switch (source) {
                case generated -> ClipSource.generated(p, steps, cfgScale);
                case reconstructed -> ClipSource.reconstructed(p);
                case synthesised -> ClipSource.synthesised(p.sampleRate());
            };
            PromptAdherence.Report r = PromptAdherence.measure(clips, p.sampleRate(), datasetSeed, prompts, seconds);
            System.out.printf(Locale.ROOT, "prompts %d  tempo±2BPM %.2f  root %.2f  root±1 %.2f  dark<bright %.2f"
                    + "  placement %.2f  Fréchet %.2f%n", r.prompts(), r.tempoWithin2Bpm().value(),
                    r.rootPitchClass().value(), r.rootWithinSemitone().value(), r.brightnessOrder().value(),
                    r.placement().value(), r.frechet());
            if (!r.rootByKind().isEmpty()) {
                StringBuilder line = new StringBuilder("root by kind:");
                r.rootByKind().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> line.append(
                        String.format(Locale.ROOT, "  %s %.2f", kindName(e.getKey()), e.getValue().value())));
                System.out.println(line);
            }
            // The same shares with their 95 % intervals and counts: differences inside them are chance.
            StringBuilder intervals = new StringBuilder("95% intervals:")
                    .append("  tempo±2BPM ").append(r.tempoWithin2Bpm())
                    .append("  root ").append(r.rootPitchClass())
                    .append("  root±1 ").append(r.rootWithinSemitone())
                    .append("  dark<bright ").append(r.brightnessOrder())
                    .append("  placement ").append(r.placement());
            r.rootByKind().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    intervals.append("  root ").append(kindName(e.getKey())).append(' ').append(e.getValue()));
            System.out.println(intervals);
            if (wordingPrompts > 0) {
                printWording(WordingAdherence.measure(clips, p.sampleRate(), datasetSeed, wordingPrompts, seconds));
            }
        }
        return 0;
    }

    /** Each held-out wording share with its 95 % interval, the trained wording of the same sounds beside it. */
    private static void printWording(WordingAdherence.Report w) {
        System.out.println("held-out tempos (73, 83, ... 173 BPM) within 2 BPM: " + w.heldOutTempos());
        System.out.println("trained wording:  " + wordingLine(w.trainedWording()));
        System.out.println("held-out wording: " + wordingLine(w.heldOutWording()));
    }

    private static String wordingLine(WordingAdherence.Shares s) {
        return "tempo±2BPM " + s.tempoWithin2Bpm() + "  root " + s.rootPitchClass() + "  dark<bright "
                + s.brightnessOrder() + "  placement " + s.placement();
    }

    private static String kindName(SoundKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
