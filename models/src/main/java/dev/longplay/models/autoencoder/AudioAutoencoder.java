package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.config.AutoencoderConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.config.PretransformConfig;
import dev.longplay.models.nn.Precision;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The Stable Audio pretransform: an Oobleck encoder and decoder around a VAE bottleneck. Latents handed to
 * and from the diffusion model are the autoencoder's latents divided by the pretransform's {@code scale}.
 * The weights live in the {@link StateDict}'s manager; closing that manager frees the model.
 */
public record AudioAutoencoder(OobleckEncoder encoder, OobleckDecoder decoder, VaeBottleneck bottleneck,
                               int latentDim, int downsamplingRatio, double scale) {

    /** The pretransform's module path in a full Stable Audio checkpoint. */
    public static final String CHECKPOINT_PREFIX = "pretransform.model";

    /**
     * Loads the pretransform of a full model checkpoint ({@code pretransform.model.encoder|decoder.…}) and fails
     * on any missing or unexpected key under {@code pretransform.model.} or any shape that the config contradicts.
     */
    public static AudioAutoencoder load(StateDict checkpoint, ModelConfig cfg) {
        PretransformConfig pretransform = cfg.model().pretransform();
        return load(checkpoint.scope(CHECKPOINT_PREFIX), pretransform.autoencoder(), pretransform.scaleOrDefault());
    }

    /** Loads from {@code sd} already scoped to the autoencoder (keys {@code encoder.…}, {@code decoder.…}). */
    public static AudioAutoencoder load(StateDict sd, AutoencoderConfig ae, double scale) {
        OobleckConfig enc = OobleckConfig.encoder(ae.encoder());
        OobleckConfig dec = OobleckConfig.decoder(ae.decoder());
        VaeBottleneck bottleneck = bottleneck(ae);
        int encoderOutDim = bottleneck == null ? ae.latentDim() : 2 * ae.latentDim();
        if (enc.latentDim() != encoderOutDim) {
            throw new CheckpointException("autoencoder config: encoder latent_dim " + enc.latentDim() + " must be "
                    + encoderOutDim + " for latent_dim " + ae.latentDim() + (bottleneck == null ? "" : " with a vae bottleneck"));
        }
        if (dec.latentDim() != ae.latentDim()) {
            throw new CheckpointException("autoencoder config: decoder latent_dim " + dec.latentDim()
                    + " differs from latent_dim " + ae.latentDim());
        }
        if (enc.ratio() != ae.downsamplingRatio() || dec.ratio() != ae.downsamplingRatio()) {
            throw new CheckpointException("autoencoder config: downsampling_ratio " + ae.downsamplingRatio()
                    + " is not the product of the strides (encoder " + enc.ratio() + ", decoder " + dec.ratio() + ")");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new CheckpointException("pretransform scale must be a positive number, got " + scale);
        }
        OobleckEncoder encoder = OobleckEncoder.load(sd.scope("encoder"), enc);
        OobleckDecoder decoder = OobleckDecoder.load(sd.scope("decoder"), dec);
        sd.requireAllUsed();
        return new AudioAutoencoder(encoder, decoder, bottleneck, ae.latentDim(), ae.downsamplingRatio(), scale);
    }

    private static VaeBottleneck bottleneck(AutoencoderConfig ae) {
        if (ae.bottleneck() == null) {
            return null;
        }
        if (!"vae".equals(ae.bottleneck().type())) {
            throw new CheckpointException("unsupported autoencoder bottleneck '" + ae.bottleneck().type()
                    + "' (Longplay runs 'vae')");
        }
        return new VaeBottleneck();
    }

    // audio: [B, io, L], noise: [B, latent_dim, L / ratio] -> latents: [B, latent_dim, L / ratio], divided by scale
    public NDArray encode(NDArray audio, NDArray noise) {
        return encode(audio, encoderOut -> bottleneck.sample(encoderOut, noise));
    }

    /** As {@link #encode(NDArray, NDArray)} with the bottleneck's noise drawn from {@code seed}. */
    public NDArray encode(NDArray audio, long seed) {
        return encode(audio, encoderOut -> bottleneck.sample(encoderOut, seed));
    }

    private NDArray encode(NDArray audio, Function<NDArray, VaeBottleneck.Sample> sampler) {
        // the bottleneck (softplus, the reparameterised sample) and the latents handed on are float32
        try (NDArray encoderOut = Precision.intoFloat32(encoder.forward(audio))) {
            if (bottleneck == null) {
                return unscale(encoderOut.duplicate());
            }
            VaeBottleneck.Sample s = sampler.apply(encoderOut);
            s.mean().close();
            s.stdev().close();
            return unscale(s.latents());
        }
    }

    // latents: [B, latent_dim, T] (diffusion scale) -> audio: [B, io, T * ratio], all at once
    public NDArray decode(NDArray latents) {
        return decodeScaled(latents, decoder::forward);
    }

    /**
     * As {@link #decode(NDArray)} in as few windows of at most {@code windowFrames} latent frames (context
     * included) as cover the clip: bounded memory, one pass where the clip fits.
     */
    public NDArray decodeInWindows(NDArray latents, int windowFrames) {
        return decodeScaled(latents, ChunkedDecoder.ofWindow(decoder, windowFrames)::decode);
    }

    // audio comes back in float32 whatever the decoder computes in
    private NDArray decodeScaled(NDArray latents, UnaryOperator<NDArray> decode) {
        if (scale == 1.0) {
            return Precision.intoFloat32(decode.apply(latents));
        }
        try (NDArray scaled = latents.mul(scale)) {
            return Precision.intoFloat32(decode.apply(scaled));
        }
    }

    private NDArray unscale(NDArray latents) {
        if (scale == 1.0) {
            return latents;
        }
        NDArray out = latents.div(scale);
        latents.close();
        return out;
    }
}
