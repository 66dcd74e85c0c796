package dev.longplay.models.golden;

import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.autoencoder.VaeBottleneck;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.nn.Precision;

import java.util.Map;

/** Golden {@code vae_encode}: the encoder's output and the VAE bottleneck's mean, stdev and sample for given noise. */
public final class VaeEncodeGolden implements ReducedPrecisionComponent {

    @Override
    public String component() {
        return "vae_encode";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager,
                                    DataType precision) {
        AudioAutoencoder ae = VaeDecodeGolden.load(goldenCase, manager, precision);
        // the bottleneck takes the encoder's output in float32, as AudioAutoencoder.encode hands it on
        NDArray encoderOut = Precision.intoFloat32(ae.encoder().forward(inputs.get("audio")));
        VaeBottleneck.Sample s = ae.bottleneck().sample(encoderOut, inputs.get("noise"));
        return Map.of("encoder_out", encoderOut, "mean", s.mean(), "stdev", s.stdev(), "latents", s.latents());
    }
}
