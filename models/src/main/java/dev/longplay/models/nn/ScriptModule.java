package dev.longplay.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A weightless TorchScript module compiled by libtorch from source written at run time (see {@link ScriptArchive}):
 * how Longplay reaches libtorch operations and whole fused blocks that DJL's NDArray API does not expose, in one JNI
 * call. Tensors go in as arguments ({@link IValue}s); a module holds no state, so one instance per source serves every
 * caller and thread, for the life of the process.
 */
public final class ScriptModule {

    private static final Map<String, ScriptModule> LOADED = new ConcurrentHashMap<>();

    private final PtSymbolBlock block;

    private ScriptModule(PtSymbolBlock block) {
        this.block = block;
    }

    /**
     * The module of class {@code className} with {@code source} (a TorchScript class body as libtorch's serializer
     * writes it), compiled on first request and cached by source. Throws when libtorch refuses the source (an op it
     * does not have, a syntax error), with its message.
     */
    public static ScriptModule compile(String className, String source) {
        return LOADED.computeIfAbsent(className + "\n" + source, k -> load(className, source));
    }

    private static ScriptModule load(String className, String source) {
        byte[] archive = ScriptArchive.of(className.toLowerCase(java.util.Locale.ROOT), className, source);
        // lives as long as the process: shared by every caller, it holds no tensors
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            return new ScriptModule(JniUtils.loadModule(manager, new ByteArrayInputStream(archive), true, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code method} (without autograd); the caller owns, and closes, the arguments and the result. */
    public IValue call(String method, IValue... args) {
        return IValueUtils.runMethod(block, method, args);
    }
}
