package dev.longplay.models.golden;

import dev.longplay.models.sa3.sampling.DistributionShift;
import dev.longplay.models.sa3.sampling.Sa3Schedule;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.diffusion.ExplicitNoise;
import dev.longplay.models.diffusion.PingPongSampler;
import dev.longplay.models.diffusion.StepListener;
import dev.longplay.models.sa3.Sa3Conditioners;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.sa3.dit.DitInputs;
import dev.longplay.models.sa3.dit.GuidedVelocity;
import dev.longplay.models.sa3.dit.Sa3Dit;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/**
 * Golden {@code sa3_sample}: conditioners from the prompt's hidden states and seconds_total, inpainting
 * conditioning, padding mask over the valid length, the config's schedule and ping-pong with recorded noise.
 */
public final class Sa3SampleGolden implements GoldenComponent {

    @Override
    public String component() {
        return "sa3_sample";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> in, NDManager manager) {
        Sa3Config cfg = Sa3Config.load(gc.modelDir().resolve("model_config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            StateDict sd = new StateDict(file, manager, DataType.FLOAT32);
            Sa3Dit dit = Sa3Dit.load(sd.scope("model.model"), cfg.dit());
            NDArray hidden = in.get("prompt_hidden");
            Sa3Conditioners cond = Sa3Conditioners.load(sd, cfg, (int) hidden.getShape().get(2));
            int steps = gc.spec().path("steps").asInt();
            double seconds = gc.spec().path("seconds_total").asDouble();
            double headroom = gc.spec().path("headroom_seconds").asDouble();
            NDArray noise = in.get("noise");
            int frames = (int) noise.getShape().get(2);
            int valid = Sa3Schedule.validLength(seconds, headroom, cfg.sampleRate(), cfg.downsamplingRatio(), frames);
            DitInputs inputs = cond.assemble(cond.prompt(hidden, in.get("prompt_mask")), cond.seconds(in.get("seconds_total")),
                    in.get("inpaint_mask"), in.get("inpaint_masked_input"), Sa3Conditioners.validMask(manager, 1, frames, valid));
            double[] t = Sa3Schedule.times(steps, 1.0, DistributionShift.parse(cfg.samplingShift(), cfg.source()),
                    Sa3Schedule.effectiveLength(seconds, cfg.sampleRate(), cfg.downsamplingRatio()));
            GuidedVelocity.Bound v = new GuidedVelocity(dit, 1.0, 1.0).bind(inputs, manager);
            NDArray latents = new PingPongSampler().sample(v::apply, noise, t,
                    new ExplicitNoise(in.get("step_noises")), StepListener.NONE);
            float[] tf = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                tf[i] = (float) t[i];
            }
            return Map.of("latents", latents, "sigmas", manager.create(tf));
        }
    }
}
