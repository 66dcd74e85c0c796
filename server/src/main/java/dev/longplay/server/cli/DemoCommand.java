package dev.longplay.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    /** The long clip the demo makes besides: ten of the model's windows and more, joined on the beat. */
    static final String LONG_SECONDS = "20";

    @Override
    public Integer call() {
        boolean trained = model == null;
        String prompt;
        String seconds;
        if (trained) {
            System.out.println("Longplay demo: text to audio with the default model, " + DefaultModel.ID + " (from "
                    + DefaultModel.FOLDER + ").\n"
                    + "  Longplay trained it itself, in Java, on sounds it synthesises (nothing is downloaded): an\n"
                    + "  Oobleck autoencoder, a T5 text encoder and a diffusion transformer, 8 kHz stereo, 2 s per\n"
                    + "  window. It knows drum loops, bass lines, pad chords, plucks, risers, noise sweeps and one-shot\n"
                    + "  hits, with a tempo, a key, dark or bright, and placement; it follows tempo, brightness and\n"
                    + "  placement well, the key only roughly (" + DefaultModel.FOLDER + "/MODEL_CARD.md\n  has the measures).");
            prompt = TRAINED_PROMPT;
            seconds = "2";
        } else {
            System.out.println("Longplay demo: text to audio with " + model + ".");
            prompt = "warm analog pad with soft brushed drums, 90 BPM";
            seconds = "8";
        }
        System.out.println("  Prompt: \"" + prompt + "\"");
        String chosen = trained ? DefaultModel.ID : model;
        int code = generate(List.of("--prompt", prompt, "--seconds", seconds, "--seed", "42", "--out", "longplay-demo.wav",
                "--model", chosen));
        if (code != 0) {
            return code;
        }
        System.out.println("Play it: longplay-demo.wav (settings, seed and timings in longplay-demo.json).");
        if (trained) {
            // the long clip: 10 bars at 120 BPM, made window by window, every join on a beat
            System.out.println("\nNow one long clip, " + LONG_SECONDS + " s: longer than the model's window, so it is made"
                    + " window by window,\n  each window continuing the audio so far, joined with a cross-fade on the beat:\n"
                    + "  ./longplay generate --prompt \"" + TRAINED_PROMPT + "\" --bpm 120 --bars 10 --out longplay-demo-long.wav");
            code = generate(List.of("--prompt", TRAINED_PROMPT, "--bpm", "120", "--bars", "10", "--seed", "42",
                    "--out", "longplay-demo-long.wav", "--model", chosen));
            if (code != 0) {
                return code;
            }
            System.out.println("Play it: longplay-demo-long.wav (its JSON lists the windows and joins under \"longForm\").");
            System.out.println("Try another: ./longplay generate --prompt \"bass line, A minor, 100 BPM, dark,"
                    + " centered\" --seconds 60 --out bass.wav");
        }
        System.out.println("Next: ./longplay generate --help, ./longplay serve, ./longplay golden-check models/src/test/resources/golden");
        return 0;
    }

    private static int generate(List<String> args) {
        return LongplayCli.commandLine(new GenerateCommand()).execute(args.toArray(String[]::new));
    }
}
