package dev.longplay.models.nn;

/**
 * The TorchScript archive of a weightless module whose forward is torch's fused
 * {@code scaled_dot_product_attention(q, k, v)} (no mask, no dropout, scale 1/√Dh), written at run time (see
 * {@link ScriptArchive}): class {@code __torch__.FusedSdpa}. The op exists from torch 2.0; an older libtorch fails to
 * compile it on load.
 */
final class SdpaArchive {

    /** The format version in the archive's {@code version} record. */
    static final int FILE_FORMAT_VERSION = ScriptArchive.FILE_FORMAT_VERSION;

    static final String SOURCE = String.join("\n",
            "class FusedSdpa(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.FusedSdpa,",
            "    q: Tensor,",
            "    k: Tensor,",
            "    v: Tensor) -> Tensor:",
            "    return torch.scaled_dot_product_attention(q, k, v)",
            "");

    private SdpaArchive() {
    }

    static byte[] bytes() {
        return withSource(SOURCE);
    }

    /** An archive of class {@code FusedSdpa} with other source; tests use it to make one that fails to compile. */
    static byte[] withSource(String source) {
        return ScriptArchive.of("fused_sdpa", "FusedSdpa", source);
    }
}
