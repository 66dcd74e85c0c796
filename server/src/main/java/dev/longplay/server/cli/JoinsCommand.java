package dev.longplay.server.cli;

import dev.longplay.models.eval.AudioMeasures;
import dev.longplay.models.metrics.JoinMeasures;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.LongFormGenerator;
import dev.longplay.models.pipeline.WindowPlan;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.render.ModelClipRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code longplay joins}: makes long clips window by window and measures their joins against the audio inside the
 * windows, printing the table docs/long-form.md and the README quote: the largest sample step at a join and where
 * it ranks among the steps inside windows, the short-term loudness step at the joins (and at the windows' middles),
 * and for drum loops the tempo over the whole clip.
 */
@Command(name = "joins", mixinStandardHelpOptions = true,
        description = "Measure the joins of long clips made window by window (clicks, loudness steps, tempo drift).")
public final class JoinsCommand implements Callable<Integer> {

    /** Prompts of the default model's vocabulary; drum loops carry their tempo and are also rendered as a bpm loop. */
    static final List<String> PROMPTS = List.of("drum loop, 120 BPM, bright, centered",
            "bass line, A minor, 100 BPM, dark, centered", "pad chords, C major, bright, centered",
            "pluck melody, E minor, 110 BPM, bright, panned left");

    @Option(names = "--model", paramLabel = "DIR|HF-ID", description = "model (default: " + DefaultModel.ID + ")")
    String model;

    @Option(names = "--seconds", description = "length of each clip (default: ${DEFAULT-VALUE})")
    double seconds = 60;

    @Option(names = "--clips", description = "clips per prompt, seeds 1..N (default: ${DEFAULT-VALUE})")
    int clips = 2;

    @Option(names = "--steps", description = "sampler steps (default: the model's)")
    Integer steps;

    @Option(names = "--prompt", description = "measure this prompt instead of the built-in list (repeatable)")
    List<String> prompts;

    @Option(names = "--bpm", description = "drum loops are also made as loops at this tempo, joins on beats (default: ${DEFAULT-VALUE})")
    double bpm = 120;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    record Row(String what, int clips, int joins, double maxJoinStep, double insideP999, double worstRank,
               double loudnessJoin, double loudnessInside, Double tempoError) {
    }

    @Override
    public Integer call() throws RenderException {
        if (clips < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("--clips must be at least 1 and --seconds positive");
        }
        ModelClipRenderer renderer = ModelClipRenderer.forSpec(model != null ? model : DefaultModel.spec(),
                compute.target(), compute.lowMemory);
        try {
            LongFormGenerator g = renderer.pipeline();
            System.out.printf("%s, %.0f s clips, window %.3f s%n", renderer.id(), seconds, g.maxSeconds());
            System.out.println("| clips | joins | largest step at a join | steps inside windows: 99.9th pct |"
                    + " worst join ranks at | loudness step at joins (median) | inside windows (median) | tempo error |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            // each row as soon as it is measured: a long run shows its progress and keeps what it made
            for (String prompt : prompts != null ? prompts : PROMPTS) {
                print(measure(g, prompt, null));
                if (prompt.contains("drum loop")) {
                    int bars = (int) Math.round(seconds * bpm / 240);
                    print(measure(g, prompt, new GenerationParams.Loop(bpm, Math.max(1, bars), 4)));
                }
            }
            return 0;
        } finally {
            renderer.close();
        }
    }

    private static void print(Row r) {
        System.out.printf("| %s ×%d | %d | %.4f | %.4f | %.2f %% | %.2f LU | %.2f LU | %s |%n", r.what(), r.clips(),
                r.joins(), r.maxJoinStep(), r.insideP999(), 100 * r.worstRank(), r.loudnessJoin(), r.loudnessInside(),
                r.tempoError() == null ? "" : String.format("%.2f BPM", r.tempoError()));
        System.out.flush();
    }

    private Row measure(LongFormGenerator g, String prompt, GenerationParams.Loop loop) {
        int joins = 0;
        double maxStep = 0;
        double p999 = 0;
        double worstRank = 0;
        List<Double> loudJoin = new ArrayList<>();
        List<Double> loudInside = new ArrayList<>();
        double tempoError = 0;
        double clipSeconds = loop == null ? seconds : loop.bars() * 4 * 60.0 / loop.bpm();
        for (int seed = 1; seed <= clips; seed++) {
            GenerationParams p = GenerationParams.builder().prompt(prompt).seconds(clipSeconds).seed(seed)
                    .steps(steps).loop(loop).build();
            WindowPlan plan = g.plan(p);
            GeneratedAudio a = g.generate(p, GenerationListener.NONE);
            JoinMeasures m = JoinMeasures.measure(a.samples(), a.sampleRate(), plan.joins(),
                    (int) Math.round(0.3 * a.sampleRate()));
            joins += plan.joins().size();
            maxStep = Math.max(maxStep, m.maxJoinStep());
            p999 = Math.max(p999, m.insideStepQuantile(0.999));
            for (double s : m.joinSteps()) {
                worstRank = Math.max(worstRank, m.insideRank(s));
            }
            Arrays.stream(m.joinLoudnessSteps()).forEach(loudJoin::add);
            Arrays.stream(m.insideLoudnessSteps()).forEach(loudInside::add);
            if (loop != null) {
                double measured = AudioMeasures.tempo(AudioMeasures.mono(a.samples()), a.sampleRate(), 60, 200);
                tempoError = Math.max(tempoError, Math.abs(measured - loop.bpm()));
            }
            System.err.printf("%s seed %d: %d windows%n", prompt, seed, plan.count());
        }
        String what = (loop == null ? prompt : prompt + " (loop " + loop.bars() + " bars at " + loop.bpm() + " BPM)")
                .replace("|", "/");
        return new Row(what, clips, joins, maxStep, p999, worstRank, median(loudJoin), median(loudInside),
                loop == null ? null : tempoError);
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return 0;
        }
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
