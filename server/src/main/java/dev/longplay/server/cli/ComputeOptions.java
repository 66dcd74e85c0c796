package dev.longplay.server.cli;

import dev.longplay.models.nn.ComputeTarget;
import picocli.CommandLine.Option;

/** {@code --device}, {@code --precision} and {@code --low-memory}, shared by every command that runs a model. */
final class ComputeOptions {

    @Option(names = "--device", paramLabel = "auto|cpu|cuda|cuda:N",
            description = "where the model runs (default: ${DEFAULT-VALUE}: the first CUDA GPU when libtorch sees one, "
                    + "else the CPU)")
    String device = "auto";

    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16|int8",
            description = "float type of the DiT and autoencoder (default: ${DEFAULT-VALUE}); norms, rotary angles, "
                    + "Snake, conditioners and the sampler stay fp32. bf16 needs tools/gpu/run.sh's JNI. int8 (CPU): "
                    + "the DiT's linear layers in dynamically quantised int8, everything else fp32")
    String precision = "fp32";

    @Option(names = "--low-memory",
            description = "let the text encoder's weights go after each request's conditioning (read again for the next)")
    boolean lowMemory;

    /** The resolved choice; a bad value or a missing GPU fails with a message naming the option. */
    ComputeTarget target() {
        return ComputeTarget.resolve(device, precision);
    }
}
