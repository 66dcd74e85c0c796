package dev.longplay.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code longplay demo}: the README's first command: one clip from the default model, explained. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make one clip with the default model (the small one Longplay trained) and say what happened.")
public final class DemoCommand implements Callable<Integer> {

    /** A label of the kind the trained default learned: kind, tempo, brightness, placement. */
    static final String TRAINED_PROMPT = "drum loop, 120 BPM, bright, panned left";

    @Option(names = "--model", paramLabel = "DIR|HF-ID", description = "run another model instead of the default one")
    String model;

    @Override
    public Integer call() {
        String trained = model == null ? DefaultModel.spec() : null;
        String prompt;
        String seconds;
        if (trained != null) {
            System.out.println("Longplay demo: text to audio with the default model, " + DefaultModel.FOLDER + ".\n"
                    + "  Longplay trained it itself, in Java, on sounds it synthesises (nothing is downloaded): an\n"
                    + "  Oobleck autoencoder, a T5 text encoder and a diffusion transformer, 8 kHz stereo, clips up\n"
                    + "  to 2 s. It knows drum loops, bass lines, pad chords, plucks, risers, noise sweeps and one-shot\n"
                    + "  hits, with a tempo, a key, dark or bright, and placement; it follows tempo, brightness and\n"
                    + "  placement well, the key only roughly (" + DefaultModel.FOLDER + "/MODEL_CARD.md\n  has the measures).");
            prompt = TRAINED_PROMPT;
            seconds = "2";
        } else {
            System.out.println("Longplay demo: text to audio with " + (model == null
                    ? "the embedded tiny model.\n  (" + DefaultModel.FOLDER + " is not here: run the launcher from"
                    + " the repository.)\n  It is Stable Audio Open-shaped with RANDOM weights, made on this machine"
                    + " on first use. It runs\n  the whole pipeline -- tokenizer, T5, seconds conditioners, diffusion"
                    + " transformer, DPM-Solver++\n  sampling with guidance, Oobleck decoder -- but its sound is"
                    + " noise-like, not music."
                    : model + "."));
            prompt = "warm analog pad with soft brushed drums, 90 BPM";
            seconds = "8";
        }
        System.out.println("  Prompt: \"" + prompt + "\"");
        List<String> args = new ArrayList<>(List.of("--prompt", prompt, "--seconds", seconds, "--seed", "42",
                "--out", "longplay-demo.wav"));
        String chosen = trained != null ? trained : model;
        if (chosen != null) {
            args.addAll(List.of("--model", chosen));
        }
        int code = LongplayCli.commandLine(new GenerateCommand()).execute(args.toArray(String[]::new));
        if (code == 0) {
            System.out.println("Play it: longplay-demo.wav (settings, seed and timings in longplay-demo.json).");
            if (trained != null) {
                System.out.println("Try another: ./longplay generate --prompt \"bass line, A minor, 100 BPM, dark,"
                        + " centered\" --out bass.wav");
            }
            System.out.println("Next: ./longplay generate --help, ./longplay serve, ./longplay golden-check models/src/test/resources/golden");
        }
        return code;
    }
}
