package dev.longplay.server.cli;

import dev.longplay.models.CheckpointSummary;
import dev.longplay.models.weights.ModelLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code longplay info --model DIR|HF-ID}: what a checkpoint holds, without loading its weights. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's components, parameter counts, sample rate, latent rate and maximum duration.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR|HF-ID",
            description = "a model folder, or a Hugging Face id in the local HF cache (longplay pull fetches it)")
    String model;

    @Override
    public Integer call() {
        System.out.print(CheckpointSummary.read(ModelLocator.fromEnvironment().locate(model)).describe());
        return 0;
    }
}
