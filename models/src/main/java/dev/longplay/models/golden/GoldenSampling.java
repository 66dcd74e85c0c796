package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.diffusion.ExplicitNoise;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.diffusion.Sampler;
import dev.longplay.models.diffusion.Sigmas;
import dev.longplay.models.diffusion.StepListener;
import dev.longplay.models.transformer.DiffusionTransformer;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Golden {@code sample} and {@code style_transfer}: a whole deterministic sampler run as the reference's
 * generate_diffusion_cond does it, with the recorded noise, then the decode.
 */
public final class GoldenSampling implements ReducedPrecisionComponent {

    private final boolean styleTransfer;

    private GoldenSampling(boolean styleTransfer) {
        this.styleTransfer = styleTransfer;
    }

    public static GoldenSampling sample() {
        return new GoldenSampling(false);
    }

    public static GoldenSampling styleTransfer() {
        return new GoldenSampling(true);
    }

    @Override
    public String component() {
        return styleTransfer ? "style_transfer" : "sample";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> in, NDManager manager, DataType precision) {
        ModelConfig cfg = gc.modelConfig();
        JsonNode spec = gc.spec();
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            StateDict sd = new StateDict(file, manager, precision);
            AudioAutoencoder ae = AudioAutoencoder.load(sd, cfg);
            DiffusionTransformer dit = DiffusionTransformer.load(sd, cfg);
            Conditioning cond = GoldenConditioning.build(cfg, sd.withComputeType(DataType.FLOAT32), in, manager);
            double cfgScale = spec.path("cfg_scale").asDouble(1.0);
            ModelFunction model = dit.bind(cond, null, cfgScale, manager);
            Sampler sampler = samplerFor(spec);
            int steps = spec.path("steps").asInt();
            Map<String, NDArray> out = new LinkedHashMap<>();
            NDArray noise = in.get("noise");
            NDArray init = null;
            if (styleTransfer) {
                init = ae.encode(in.get("init_audio"), in.get("encode_noise"));
                out.put("init_latents", init);
            }
            NDArray latents;
            if (sampler.rectifiedFlow()) {
                double tMax = Math.min(1.0, spec.path("sigma_max").asDouble(1.0));
                double[] t = Sigmas.rectifiedFlow(steps, tMax);
                // With init data the flow starts between it and the noise; from noise alone, at the noise.
                NDArray x = init == null ? noise : init.mul(1 - tMax).add(noise.mul(tMax));
                latents = sampler.sample(model, x, t, new ExplicitNoise(in.get("step_noises")), StepListener.NONE);
            } else {
                double sigmaMax = styleTransfer ? spec.path("init_noise_level").asDouble() : spec.path("sigma_max").asDouble();
                double[] sigmas = Sigmas.polyexponential(steps, spec.path("sigma_min").asDouble(), sigmaMax,
                        spec.path("rho").asDouble(1.0));
                NDArray x = noise.mul(sigmas[0]);
                if (init != null) {
                    x = init.add(x);
                }
                NDArray sde = in.get("sde_noises");
                latents = sampler.sample(model, x, sigmas, sde == null ? null : new ExplicitNoise(sde), StepListener.NONE);
            }
            out.put("latents", latents);
            out.put("audio", ae.decode(latents));
            return out;
        }
    }

    private static Sampler samplerFor(JsonNode spec) {
        String name = spec.path("sampler").asText();
        if (name.equals("dpmpp-3m-sde")) {
            return new dev.longplay.models.diffusion.DpmSolver3MSde(spec.path("eta").asDouble(1.0), 1.0);
        }
        return Sampler.forName(name);
    }
}
