package dev.longplay.models.sa3.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One SA3 LoRA file as the reference's trainer saves it: a safetensors file whose metadata {@code lora_config}
 * (JSON: adapter_type, rank, alpha) describes it, with keys {@code <module>.parametrizations.weight.0.<param>}
 * relative to the DiT wrapper ({@code model.…}) or the conditioner ({@code conditioners.…}). Each affected
 * weight W of shape [out, in(, k)] becomes, with s = alpha / rank · strength:
 * <ul>
 *   <li>{@code lora}: W + s·B·A</li>
 *   <li>{@code dora-rows} (and legacy {@code dora} with per-output magnitudes): V = W + s·B·A, each row of V
 *       scaled to unit norm then by {@code magnitude[out]}; strength 0 leaves W as it is</li>
 * </ul>
 * Other families (dora-cols, bora, the -xs variants) are refused by name.
 */
public final class LoraAdapter {

    /** Per-module parameters, keyed by the checkpoint key of the weight they change. */
    record Module(NDArray a, NDArray b, NDArray magnitude) {
    }

    private final Path path;
    private final String type;
    private final double scaling;
    private final Map<String, Module> modules;
    private final NDManager manager;

    private LoraAdapter(Path path, String type, double scaling, Map<String, Module> modules, NDManager manager) {
        this.path = path;
        this.type = type;
        this.scaling = scaling;
        this.modules = modules;
        this.manager = manager;
    }

    public static LoraAdapter load(Path path, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            String raw = f.metadata().get("lora_config");
            JsonNode cfg = raw == null ? ModelConfig.JSON.createObjectNode() : ModelConfig.JSON.readTree(raw);
            String type = cfg.path("adapter_type").asText("lora");
            Map<String, Map<String, NDArray>> grouped = new LinkedHashMap<>();
            int rank = -1;
            for (String key : f.tensors().keySet()) {
                int at = key.indexOf(".parametrizations.weight.0.");
                if (at < 0) {
                    throw new CheckpointException(path + ": key '" + key + "' is not a LoRA parameter (only "
                            + "<module>.parametrizations.weight.0.* keys are supported)");
                }
                String module = key.substring(0, at);
                String param = key.substring(at + ".parametrizations.weight.0.".length());
                String target = (module.startsWith("conditioners.") ? "conditioner." : "model.") + module + ".weight";
                grouped.computeIfAbsent(target, k -> new LinkedHashMap<>()).put(param, f.load(manager, key, DataType.FLOAT32));
                if (param.equals("lora_A")) {
                    rank = (int) f.tensors().get(key).shape()[0];
                }
            }
            if (type.equals("dora")) {
                type = "dora-rows";  // the reference's legacy name; per-output magnitudes are the rows variant
            }
            if (!type.equals("lora") && !type.equals("dora-rows")) {
                throw new CheckpointException(path + ": LoRA adapter_type '" + type + "' is not supported yet (lora, dora-rows)");
            }
            rank = cfg.path("rank").asInt(rank);
            if (rank <= 0) {
                throw new CheckpointException(path + ": no lora_A tensors to tell the rank");
            }
            double alpha = cfg.path("alpha").asDouble(rank);
            Map<String, Module> modules = new LinkedHashMap<>();
            for (var e : grouped.entrySet()) {
                Map<String, NDArray> p = e.getValue();
                NDArray a = p.get("lora_A");
                NDArray b = p.get("lora_B");
                NDArray m = p.get("magnitude");
                if (a == null || b == null || (type.equals("dora-rows") && m == null)) {
                    throw new CheckpointException(path + ": " + e.getKey() + " lacks lora_A / lora_B"
                            + (type.equals("dora-rows") ? " / magnitude" : ""));
                }
                for (String name : p.keySet()) {
                    if (!Set.of("lora_A", "lora_B", "magnitude", "lora_dropout_mask").contains(name)) {
                        throw new CheckpointException(path + ": unexpected LoRA parameter '" + name + "' for " + e.getKey());
                    }
                }
                modules.put(e.getKey(), new Module(a, b, m == null ? null : m.reshape(-1, 1)));  // [out, 1], ready to scale rows
            }
            return new LoraAdapter(path, type, alpha / rank, modules, manager);
        } catch (IOException e) {
            manager.close();
            throw new CheckpointException(path + ": invalid lora_config metadata: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public String type() {
        return type;
    }

    public Set<String> targets() {
        return modules.keySet();
    }

    /** W (the checkpoint tensor for {@code key}) with this adapter applied at {@code strength}; W itself if untouched. */
    public NDArray apply(String key, NDArray w, double strength) {
        Module m = modules.get(key);
        if (m == null || (strength == 0 && type.equals("dora-rows"))) {
            return w;
        }
        long[] shape = w.getShape().getShape();
        try (NDArray ba = m.b().matMul(m.a())) {
            if (ba.getShape().get(0) != shape[0] || ba.getShape().size() * shape[0] != w.getShape().size() * ba.getShape().get(0)) {
                throw new CheckpointException(path + ": LoRA for " + key + " has shape " + ba.getShape() + ", the weight is "
                        + w.getShape());
            }
            // in a scope of w's manager, so that only the result stays
            return Scoped.apply(w, in -> {
                NDArray delta = in.getManager().zeros(ba.getShape()).add(ba);  // left operand in the scope: no leak into the adapter's manager
                NDArray v = in.reshape(shape[0], -1).add(delta.mul((float) (scaling * strength)));
                if (type.equals("dora-rows")) {
                    NDArray norms = v.norm(new int[]{1}, true).add(1e-12f);
                    v = v.div(norms).mul(in.getManager().zeros(new ai.djl.ndarray.types.Shape(shape[0], 1)).add(m.magnitude()));
                }
                return v.reshape(in.getShape());
            });
        }
    }

    public void close() {
        manager.close();
    }
}
