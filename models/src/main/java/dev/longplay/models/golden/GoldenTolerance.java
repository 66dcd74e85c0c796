package dev.longplay.models.golden;

import dev.longplay.models.nn.ComputeTarget;

/**
 * The least tolerance a golden case gets on a target other than the CPU in float32, the reference's own setting.
 * A case's own atol/rtol apply when they are wider. The numbers, and how they were measured, are in docs/gpu.md.
 */
public record GoldenTolerance(double atol, double rtol) {

    public static final GoldenTolerance NONE = new GoldenTolerance(0, 0);

    /**
     * bf16 keeps 8 bits of mantissa (relative step 2^-8 ≈ 3.9e-3), fp16 keeps 11 (2^-11 ≈ 4.9e-4); a few dozen
     * layers of rounding, and for the samplers a few steps of it, add up to a few steps of either.
     */
    static final GoldenTolerance BF16 = new GoldenTolerance(1e-3, 8e-2);
    static final GoldenTolerance FP16 = new GoldenTolerance(1e-4, 2e-2);
    /** CUDA float32: libtorch lets cuDNN convolutions use TF32 (10-bit mantissa) unless told not to. */
    static final GoldenTolerance CUDA_FP32 = new GoldenTolerance(1e-5, 2e-3);

    /** The floor for {@code target}; a component that always computes in float32 gets the float32 one. */
    public static GoldenTolerance floor(ComputeTarget target, boolean followsPrecision) {
        if (followsPrecision && target.isReduced()) {
            return switch (target.precision()) {
                case BFLOAT16 -> BF16;
                case FLOAT16 -> FP16;
                default -> NONE;
            };
        }
        return target.isGpu() ? CUDA_FP32 : NONE;
    }
}
