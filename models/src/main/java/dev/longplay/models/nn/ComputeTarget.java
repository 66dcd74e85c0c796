package dev.longplay.models.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Where a model runs and in which float type its heavy layers compute. The weights of the DiT and the
 * autoencoder are held in {@code precision}; normalisation, rotary angles, the timestep features, Snake and the
 * VAE bottleneck compute in float32 whatever it is, and the sampler's state stays float32 (see docs/precision.md).
 * Conditioners always run in float32: they run once per request and T5 is known to overflow in float16.
 *
 * <p>DJL would otherwise place every tensor on its own default device (the first GPU whenever one is visible),
 * so every model's base manager is made here, from an explicit choice.
 */
public record ComputeTarget(Device device, DataType precision, boolean int8Dit) {

    public static final ComputeTarget CPU = new ComputeTarget(Device.cpu(), DataType.FLOAT32);

    /**
     * int8Dit: the DiT's block linear layers run libtorch's dynamically quantised int8 kernels (fbgemm; weights loaded
     * in float32, quantised once); only with float32 on the CPU.
     */
    public ComputeTarget {
        if (precision != DataType.FLOAT32 && precision != DataType.BFLOAT16 && precision != DataType.FLOAT16) {
            throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, not " + precision);
        }
        if (int8Dit && (precision != DataType.FLOAT32 || device.isGpu())) {
            throw new IllegalArgumentException("int8 runs on the CPU, over float32 weights");
        }
    }

    public ComputeTarget(Device device, DataType precision) {
        this(device, precision, false);
    }

    /**
     * Resolves the command line's {@code --device} ({@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}) and
     * {@code --precision} ({@code fp32}, {@code bf16}, {@code fp16}, {@code int8}: the DiT's linear layers in int8 on
     * the CPU, the rest float32) against the GPUs the engine sees. {@code auto}
     * takes the first GPU when there is one (the CPU for int8). Fails with a message a user can act on.
     */
    public static ComputeTarget resolve(String device, String precision) {
        return resolve(device, precision, Engine.getInstance().getGpuCount());
    }

    static ComputeTarget resolve(String device, String precision, int gpus) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        boolean int8 = precision != null && precision.trim().equalsIgnoreCase("int8");
        Device chosen;
        if (d.equals("auto")) {
            chosen = gpus > 0 && !int8 ? Device.gpu(0) : Device.cpu();
        } else if (d.equals("cpu")) {
            chosen = Device.cpu();
        } else if (d.equals("cuda") || d.equals("gpu") || d.matches("(cuda|gpu):\\d{1,3}")) {
            int index = d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0;
            if (gpus == 0) {
                throw new IllegalArgumentException("--device " + device + ": the PyTorch engine sees no CUDA GPU "
                        + "(a CPU-only libtorch, or no driver); use --device cpu, or run through tools/gpu/run.sh "
                        + "on a GPU host");
            }
            if (index >= gpus) {
                throw new IllegalArgumentException("--device " + device + ": there " + (gpus == 1 ? "is 1 GPU" :
                        "are " + gpus + " GPUs") + " (cuda:0" + (gpus > 1 ? "..cuda:" + (gpus - 1) : "") + ")");
            }
            chosen = Device.gpu(index);
        } else {
            throw new IllegalArgumentException("--device must be auto, cpu, cuda or cuda:N, not '" + device + "'");
        }
        if (int8 && chosen.isGpu()) {
            throw new IllegalArgumentException("--precision int8 runs on the CPU (libtorch's fbgemm kernels): use "
                    + "--device cpu, or fp16/bf16 on a GPU");
        }
        return new ComputeTarget(chosen, int8 ? DataType.FLOAT32 : parsePrecision(precision), int8);
    }

    /**
     * Whether the PyTorch JNI in use maps bfloat16. DJL 0.36's prebuilt JNI has no case for it and aborts the
     * whole process (an uncaught C++ {@code throw;}) the moment a bf16 tensor is made; tools/gpu/run.sh builds
     * the JNI with the mapping added and says so with {@code -Dlongplay.jni.bfloat16=true}.
     */
    public static boolean bfloat16Supported() {
        return Boolean.getBoolean(BF16_PROPERTY);
    }

    /** The system property that declares a bf16-capable JNI. */
    public static final String BF16_PROPERTY = "longplay.jni.bfloat16";

    static DataType parsePrecision(String precision) {
        String p = precision == null ? "fp32" : precision.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "fp32", "float32", "float" -> DataType.FLOAT32;
            case "bf16", "bfloat16" -> {
                if (!bfloat16Supported()) {
                    throw new IllegalArgumentException("--precision bf16 needs a PyTorch JNI that knows bfloat16: "
                            + "DJL 0.36's prebuilt one aborts on it. tools/gpu/run.sh builds one that does; "
                            + "elsewhere use fp16 (GPU) or fp32");
                }
                yield DataType.BFLOAT16;
            }
            case "fp16", "float16", "half" -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("--precision must be fp32, bf16, fp16 or int8, not '"
                    + precision + "'");
        };
    }

    /** A base manager on this target's device: every tensor made in it or its sub-managers lives there. */
    public NDManager newManager() {
        return NDManager.newBaseManager(device);
    }

    public boolean isGpu() {
        return device.isGpu();
    }

    /** Reduced precision: the heavy layers' weights are held in bf16 or fp16. */
    public boolean isReduced() {
        return precision != DataType.FLOAT32;
    }

    /** The device as the command line spells it: {@code cpu}, {@code cuda:0}. */
    public String deviceName() {
        return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
    }

    /** The precision as the command line spells it: {@code fp32}, {@code fp16}, {@code bf16}, {@code int8}. */
    public String precisionName() {
        if (int8Dit) {
            return "int8";
        }
        return switch (precision) {
            case BFLOAT16 -> "bf16";
            case FLOAT16 -> "fp16";
            default -> "fp32";
        };
    }

    /** As the command line spells it: {@code cuda:0/bf16}, {@code cpu/fp32}. */
    public String describe() {
        return deviceName() + "/" + precisionName();
    }

}
