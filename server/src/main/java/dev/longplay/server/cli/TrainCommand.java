package dev.longplay.server.cli;

import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.training.AddedConditioner;
import dev.longplay.models.training.RunFolder;
import dev.longplay.models.training.Trainer;
import dev.longplay.models.training.TrainingListener;
import dev.longplay.models.training.TrainingRecipe;
import dev.longplay.models.training.TrainingResume;
import dev.longplay.models.training.TrainingStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code longplay train --dir DIR}: trains a small model on Longplay's synthetic sound set with Longplay's own
 * training code, or continues the run already in DIR. The folder is a loadable model after every checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small model (autoencoder, then diffusion) on synthesised, labelled sounds; "
                + "continues the run in --dir if there is one.")
final class TrainCommand implements Callable<Integer> {

    private static final String RESOURCES = "/dev/longplay/models/";
    private static final long SAVE_ON_EXIT_WAIT_SECONDS = 120;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the run folder (made if absent)")
    Path dir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "model_config.json for a new run (default: the built-in 16 kHz stereo small model)")
    Path config;

    @Option(names = "--autoencoder-from", paramLabel = "MODEL_DIR",
            description = "new runs only: train just a diffusion model, on the trained autoencoder of this model folder"
                    + " (its pretransform config, weights and latent scale replace --config's; they stay frozen)")
    Path autoencoderFrom;

    @Option(names = "--init-from", paramLabel = "MODEL_DIR",
            description = "new runs only: fine-tune this trained model folder (its config, weights, text encoder and"
                    + " tokenizer): its autoencoder for --autoencoder-steps (default 0: kept as it is, with its latent"
                    + " scale), then its diffusion model for --diffusion-steps")
    Path initFrom;

    @Option(names = "--autoencoder-steps", paramLabel = "N",
            description = "total autoencoder steps (default 2000; 0 with --init-from)")
    Long autoencoderSteps;

    @Option(names = "--diffusion-steps", paramLabel = "N", description = "total diffusion steps (default 4000)")
    Long diffusionSteps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "4", description = "clips per step, new runs only (default 4)")
    int batch;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "peak learning rate, new runs only (default 1e-4)")
    Double learningRate;

    @Option(names = "--diffusion-learning-rate", paramLabel = "LR",
            description = "peak learning rate of the diffusion phase, new runs only (default: --learning-rate)")
    Double diffusionLearningRate;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "100",
            description = "steps between checkpoints, new runs only (default 100)")
    int checkpointEvery;

    @Option(names = "--log-sigma-share", paramLabel = "S",
            description = "share of diffusion examples whose noise level is drawn log-uniform over the sampler's"
                    + " sigma range instead of t uniform (default 0, as the reference; a resumed run may change it)")
    Double logSigmaShare;

    @Option(names = "--short-clip-share", paramLabel = "S",
            description = "new runs only: share of the diffusion steps, from the first, on clips of half the length"
                    + " (default 0.5, the reference's short-to-long stages; 0 with --init-from, whose diffusion model"
                    + " went through them)")
    Double shortClipShare;

    @Option(names = "--fft-sizes", paramLabel = "N", split = ",",
            description = "FFT sizes of the autoencoder's multi-resolution STFT loss (default 512,256,128,64,32; a"
                    + " resumed run may change them: autoencoder steps after the diffusion phase began train the"
                    + " decoder only, so a longer FFT can sharpen its pitch without moving the latents)")
    int[] fftSizes;

    @Option(names = "--clip-seconds", paramLabel = "S",
            description = "new runs only: length of the training clips in seconds (default 2.048; the model's window is"
                    + " its config's sample_size, which should match: 65536 samples at 8 kHz for 8.192 s)")
    Double clipSeconds;

    @Option(names = "--vocabulary", paramLabel = "V",
            description = "new runs only: the prompts' wording and tokenizer: v1 (the synthesiser's labels at eight"
                    + " tempos, whole-word tokens; the default) or v2 (every integer tempo 70-180 as digits, every key"
                    + " spelling, varied word orders); a resumed run keeps its own; with --init-from, the model's text"
                    + " encoder moves onto the new tokenizer (words both share keep their embedding)")
    String vocabulary;

    @Option(names = "--tempo-conditioner",
            description = "new runs only: the model also conditions on the tempo each prompt names, as a number (a"
                    + " 'bpm' number conditioner beside the prompt's tokens); with --init-from, the model's weights are"
                    + " kept and the new conditioner starts at random")
    boolean tempoConditioner;

    @Option(names = "--key-conditioner",
            description = "new runs only: the model also conditions on the key each prompt names, in any spelling"
                    + " (a 'key' int conditioner: none, 12 major and 12 minor keys, a learned token each); with"
                    + " --init-from, the model's weights are kept and the new conditioner starts at random")
    boolean keyConditioner;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "stop at the first checkpoint after M minutes (the run stays resumable)")
    Double maxMinutes;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    @Override
    public Integer call() throws IOException {
        dev.longplay.models.nn.ComputeTarget target = compute.target();
        Trainer trainer;
        if (RunFolder.holdsRun(dir)) {
            if (vocabulary != null) {
                throw new IllegalArgumentException("--vocabulary starts a new run, but " + dir + " already holds one"
                        + " (it keeps the wording of its tokenizer)");
            }
            if (tempoConditioner || keyConditioner) {
                throw new IllegalArgumentException((tempoConditioner ? "--tempo-conditioner" : "--key-conditioner")
                        + " starts a new run, but " + dir + " already holds one");
            }
            if (autoencoderFrom != null || initFrom != null) {
                throw new IllegalArgumentException((initFrom != null ? "--init-from" : "--autoencoder-from")
                        + " starts a new run, but " + dir + " already holds one");
            }
            trainer = Trainer.resume(TrainingResume.of(dir).withSteps(autoencoderSteps, diffusionSteps)
                    .withLogSigmaShare(logSigmaShare).withFftSizes(fftSizes).on(target));
            System.err.println("longplay: continuing the run in " + dir + " at autoencoder step "
                    + trainer.progress().autoencoderStep() + ", diffusion step " + trainer.progress().diffusionStep());
        } else {
            trainer = Trainer.start(newRun(target));
            System.err.println(initFrom != null ? "longplay: new run in " + dir + " fine-tuning " + initFrom + ", on "
                    + target.describe()
                    : autoencoderFrom != null ? "longplay: new diffusion run in " + dir + " on the autoencoder of "
                    + autoencoderFrom + ", on " + target.describe()
                    : "longplay: new training run in " + dir + " on " + target.describe());
        }
        Progress progress = new Progress(maxMinutes == null ? Long.MAX_VALUE
                : System.nanoTime() + Math.round(maxMinutes * 60e9));
        // Ctrl-C or a kill: finish the step in flight, save it, then let the JVM exit (an exit in the middle of a
        // native step can crash in libtorch's teardown and loses the steps since the last checkpoint)
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread saveOnExit = new Thread(() -> {
            progress.signalled = true;
            try {
                finished.await(SAVE_ON_EXIT_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "longplay-train-save-on-exit");
        Runtime.getRuntime().addShutdownHook(saveOnExit);
        try (trainer) {
            trainer.run(progress);
        } finally {
            if (progress.signalled) {  // said before the hook lets the JVM halt
                System.err.println("longplay: stopped by a signal; the run in " + dir
                        + " is saved at its last step: run the same command to go on");
            }
            finished.countDown();
        }
        if (progress.signalled) {
            return 130;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(saveOnExit);
        } catch (IllegalStateException shuttingDown) {
            // a signal came after the last step: nothing is left to save
        }
        if (progress.outOfTime) {
            System.err.println("longplay: --max-minutes reached; the run in " + dir + " is saved: run the same command to go on");
        } else {
            System.err.println("longplay: done; the model in " + dir + " loads with --model " + dir);
        }
        return 0;
    }

    // the options' new run: a fine-tune of --init-from, a diffusion model on --autoencoder-from's, or a new model
    private TrainingStart newRun(dev.longplay.models.nn.ComputeTarget target) throws IOException {
        if (initFrom != null && (autoencoderFrom != null || config != null)) {
            throw new IllegalArgumentException("--init-from takes the model's own config and autoencoder: leave out "
                    + (config != null ? "--config" : "--autoencoder-from"));
        }
        TrainingRecipe.Builder recipe = TrainingRecipe.standard(
                        autoencoderSteps != null ? autoencoderSteps : initFrom != null ? 0 : 2000,
                        diffusionSteps == null ? 4000 : diffusionSteps).toBuilder()
                .batchSize(batch)
                .checkpointEvery(checkpointEvery)
                .diffusionPeakLr(diffusionLearningRate)
                .logSigmaShare(logSigmaShare)
                // a fine-tuned diffusion model went through the short-clip stage already
                .shortClipShare(shortClipShare != null ? shortClipShare : initFrom != null ? Double.valueOf(0) : null);
        if (clipSeconds != null) {
            recipe.clipSeconds(clipSeconds);
        }
        if (learningRate != null) {
            recipe.peakLr(learningRate);
        }
        if (fftSizes != null) {
            recipe.fftSizes(fftSizes);
        }
        if (initFrom != null) {
            TrainingStart fineTune = TrainingStart.fineTune(dir, recipe.build(), initFrom).on(target);
            if (vocabulary != null) {
                fineTune = fineTune.withVocabulary(PromptVocabulary.parse(vocabulary));
            }
            return withAdded(fineTune);
        }
        TrainingStart start = TrainingStart.newModel(dir, recipe.build(),
                config != null ? Files.readAllBytes(config) : resource("trainable/model_config.json")).on(target);
        if (vocabulary != null) {
            start = start.withVocabulary(PromptVocabulary.parse(vocabulary));
        }
        start = withAdded(start);
        return autoencoderFrom != null ? start.onAutoencoderOf(autoencoderFrom) : start;
    }

    private TrainingStart withAdded(TrainingStart start) {
        if (tempoConditioner) {
            start = start.withConditioner(AddedConditioner.TEMPO);
        }
        return keyConditioner ? start.withConditioner(AddedConditioner.KEY) : start;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = TrainCommand.class.getResourceAsStream(RESOURCES + path)) {
            if (in == null) {
                throw new IOException("resource " + path + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    /** One line per 10 steps and one per checkpoint, with the loss averaged since the last line. */
    private static final class Progress implements TrainingListener {
        private final long deadline;
        private boolean outOfTime;
        private volatile boolean signalled;
        private long started = System.nanoTime();
        private double lossSum;
        private int count;

        Progress(long deadlineNanos) {
            this.deadline = deadlineNanos;
        }

        @Override
        public boolean stopNow() {
            return signalled;
        }

        @Override
        public boolean keepGoing() {
            outOfTime = deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
            return !outOfTime;
        }

        @Override
        public void step(String phase, long step, long total, double loss, double learningRate) {
            lossSum += loss;
            count++;
            if (step % 10 == 0 || step == total) {
                double perStep = (System.nanoTime() - started) / 1e9 / count;
                System.err.printf("%s %d/%d  loss %.4f  lr %.2e  %.2f s/step%n", phase, step, total, lossSum / count,
                        learningRate, perStep);
                lossSum = 0;
                count = 0;
                started = System.nanoTime();
            }
        }

        @Override
        public void checkpoint(Path dir, String phase, long step) {
            System.err.println("checkpoint: " + phase + " step " + step + " saved in " + dir);
        }

        @Override
        public void latentScale(double scale) {
            System.err.printf("latent scale: std %.4g of the autoencoder's latents, written to model_config.json%n", scale);
        }

        @Override
        public void conditioning(long step, dev.longplay.models.training.ConditioningCheck check) {
            System.err.printf("validation v-loss at diffusion step %d: %.4f with the prompt, %.4f without%n", step,
                    check.conditioned(), check.unconditioned());
        }
    }
}
