package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.longplay.models.weights.StateDict;

/** {@code Sequential(Linear, SiLU, Linear)}: how the DiT embeds timesteps and conditioning. Keys 0.* and 2.*. */
public record SiluMlp(Linear first, Linear second) {

    public static SiluMlp load(StateDict sd, long in, long hidden, long out, boolean bias) {
        return new SiluMlp(Linear.load(sd.scope("0"), in, hidden, bias), Linear.load(sd.scope("2"), hidden, out, bias));
    }

    // x: [..., in] -> [..., out]
    public NDArray forward(NDArray x) {
        try (NDArray h = first.forward(x); NDArray a = h.mul(Activation.sigmoid(h))) {
            return second.forward(a);
        }
    }
}
