package dev.longplay.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code longplay demo}: the README's first command: one clip from the embedded model, explained. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make one clip with the embedded default model and say what happened.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR|HF-ID", description = "run a real model instead of the embedded one")
    String model;

    @Override
    public Integer call() {
        System.out.println("Longplay demo: text to audio with " + (model == null
                ? "the embedded default model.\n  It is a tiny Stable Audio Open-shaped model with RANDOM weights, made on this"
                + "\n  machine on first use (nothing is downloaded). It runs the whole pipeline -- tokenizer,\n  T5, "
                + "seconds conditioners, diffusion transformer, DPM-Solver++ sampling with guidance,\n  Oobleck decoder"
                + " -- but its sound is noise-like, not music. Use --model for a real one."
                : model + "."));
        String[] args = {"--prompt", "warm analog pad with soft brushed drums, 90 BPM", "--seconds", "8",
                "--seed", "42", "--out", "longplay-demo.wav"};
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        if (model != null) {
            all.add("--model");
            all.add(model);
        }
        int code = LongplayCli.commandLine(new GenerateCommand()).execute(all.toArray(String[]::new));
        if (code == 0) {
            System.out.println("Play it: longplay-demo.wav (settings, seed and timings in longplay-demo.json).");
            System.out.println("Next: ./longplay generate --help, ./longplay serve, ./longplay golden-check ../shared/golden");
            if (model == null) {
                System.out.println("A small model Longplay trained itself (8 kHz, clips up to 2 s; README,"
                        + " \"Training\"):\n  ./longplay generate --model trained/small8k-x256"
                        + " --prompt \"drum loop, 120 BPM, bright, panned left\" --seconds 2 --out loop.wav");
            }
        }
        return code;
    }
}
