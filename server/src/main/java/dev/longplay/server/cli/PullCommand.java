package dev.longplay.server.cli;

import dev.longplay.models.hub.HubException;
import dev.longplay.models.hub.ModelPuller;
import dev.longplay.models.hub.RepoRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code longplay pull ORG/NAME[@REVISION]}: fetches a model (and the text encoder its config names, when the repo
 * lacks one) from the Hugging Face Hub into the Hub cache, where huggingface_hub finds it too. Exit codes: 0 done,
 * 2 usage or local error, 3 gated or not authorised, 4 not found, 5 network, timeout or refused bytes.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face Hub into the Hub cache (HF_HUB_CACHE, else $HF_HOME/hub).",
                "Fetches model_config.json, model.safetensors (model.ckpt when there is none) and the text encoder the",
                "config names. Resumable: run it again after an interruption. Honours HF_ENDPOINT, HF_TOKEN (or the",
                "Hub login's token file), HF_HUB_OFFLINE, HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT."})
final class PullCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ORG/NAME[@REVISION]", description = "e.g. stabilityai/stable-audio-open-small")
    String model;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() {
        RepoRef ref;
        try {
            ref = RepoRef.parse(model);
        } catch (IllegalArgumentException e) {
            System.err.println("longplay: " + e.getMessage());
            return 2;
        }
        DownloadProgress progress = new DownloadProgress(System.err, System.console() != null, quiet);
        // Ctrl-C ends the JVM mid-write; the partial file stays and this says how to go on
        Thread onInterrupt = new Thread(() -> {
            progress.endLine();
            System.err.println("\ninterrupted: the partial download is kept; run 'longplay pull " + model + "' to resume");
        });
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            ModelPuller.Result r = ModelPuller.fromEnvironment().pull(ref, progress);
            System.out.println(ref + " " + r.commit() + " " + r.snapshot());
            for (ModelPuller.Result e : r.encoders()) {
                System.out.println(e.ref() + " " + e.commit() + " " + e.snapshot());
            }
            return 0;
        } catch (HubException e) {
            progress.endLine();
            System.err.println("longplay: " + e.getMessage());
            return switch (e.reason()) {
                case GATED, UNAUTHORIZED -> 3;
                case NOT_FOUND, OFFLINE -> 4;
                case CACHE -> 2;
                default -> 5;
            };
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // already running: the hook prints its line
            }
        }
    }
}
