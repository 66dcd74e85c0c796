package dev.longplay.models;

import dev.longplay.models.config.AutoencoderConfig;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.sa3.same.SameConfig;
import dev.longplay.models.weights.CheckpointFile;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.TensorInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds, read from its config and the safetensors header alone (no weights loaded):
 * components with parameter counts, sample rate, latent rate and the longest clip one pass makes.
 */
public record CheckpointSummary(Path dir, String modelType, int sampleRate, int audioChannels, int latentChannels,
                        int downsamplingRatio, double latentRate, double maxSeconds, String diffusionObjective,
                        List<Component> components) {

    public record Component(String name, String type, long parameters) {
    }

    public static CheckpointSummary read(ModelFiles files) {
        if (AudioGenerators.isSa3(files)) {
            return readSa3(files);
        }
        ModelConfig config = ModelConfig.load(files.config());
        AutoencoderConfig ae = config.autoencoder();
        Map<String, Long> byPrefix = parametersByGroup(files);
        List<Component> components = new ArrayList<>();
        components.add(new Component("autoencoder", ae.encoder().type() + " encoder/decoder, " + ae.bottleneck().type()
                + " bottleneck", byPrefix.getOrDefault("pretransform", 0L)));
        components.add(new Component("diffusion", config.model().diffusion().type(),
                byPrefix.getOrDefault("model", 0L)));
        ConditioningConfig cond = config.model().conditioning();
        if (cond != null) {
            for (ConditioningConfig.Conditioner c : cond.configs()) {
                long params = byPrefix.getOrDefault("conditioner." + c.id(), 0L);
                if (("t5".equals(c.type()) || "clap_text".equals(c.type())) && Files.isDirectory(files.textEncoderDir())) {
                    params += textEncoderParameters(files.textEncoderDir(), "clap_text".equals(c.type()));
                }
                components.add(new Component("conditioner " + c.id(), c.type(), params));
            }
        }
        return new CheckpointSummary(files.dir(), config.modelType(), config.sampleRate(), config.audioChannels(),
                ae.latentDim(), ae.downsamplingRatio(), config.latentRate(), config.maxSeconds(),
                config.model().diffusion().objective(), components);
    }

    // Stable Audio 3: SAME autoencoder embedded as pretransform.*, the DiT, T5Gemma in its own subfolder
    private static CheckpointSummary readSa3(ModelFiles files) {
        Sa3Config c = Sa3Config.load(files.config());
        Map<String, Long> byPrefix = parametersByGroup(files);
        List<Component> components = new ArrayList<>();
        String same = c.pretransform().path("config").has("encoder") ? SameConfig.of(c).describe()
                : "SAME (no autoencoder section in model_config.json)";
        components.add(new Component("autoencoder", same, byPrefix.getOrDefault("pretransform", 0L)));
        var d = c.dit();
        components.add(new Component("diffusion", String.format("SA3 DiT %d x %d, %d heads%s", d.depth(), d.embedDim(),
                d.numHeads(), d.differential() ? ", differential" : ""), byPrefix.getOrDefault("model", 0L)));
        Path t5 = files.dir().resolve(c.prompt().subfolder());
        String tokenizer = Files.isRegularFile(t5.resolve("tokenizer.json")) ? "tokenizer.json" : "no tokenizer.json";
        components.add(new Component("conditioner prompt", "t5gemma (" + c.prompt().subfolder() + "/, encoder only, "
                + tokenizer + ")",
                byPrefix.getOrDefault("conditioner.prompt", 0L) + t5GemmaEncoderParameters(t5)));
        components.add(new Component("conditioner seconds_total", "number (expo)",
                byPrefix.getOrDefault("conditioner.seconds_total", 0L)));
        double max = (double) c.sampleSize() / c.sampleRate() - 6.0;  // the reference's 6 s of headroom
        return new CheckpointSummary(files.dir(), "diffusion_cond (Stable Audio 3)", c.sampleRate(), c.audioChannels(), c.ioChannels(),
                c.downsamplingRatio(), (double) c.sampleRate() / c.downsamplingRatio(), max, d.objective(), components);
    }

    // safetensors or model.ckpt: only the shapes are read
    private static Map<String, Long> parametersByGroup(ModelFiles files) {
        Map<String, Long> byPrefix = new LinkedHashMap<>();
        try (CheckpointFile file = CheckpointFile.open(files.checkpoint())) {
            for (String key : file.keys()) {
                byPrefix.merge(group(key), java.util.Arrays.stream(file.shape(key)).reduce(1, Math::multiplyExact), Long::sum);
            }
        }
        return byPrefix;
    }

    private static long t5GemmaEncoderParameters(Path dir) {
        Path st = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(st)) {
            return 0;
        }
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            return f.tensors().values().stream()
                    .filter(t -> t.name().startsWith("encoder.") || t.name().startsWith("model.encoder."))
                    .mapToLong(TensorInfo::elementCount).sum();
        }
    }

    private static String group(String key) {
        if (key.startsWith("conditioner.conditioners.")) {
            String rest = key.substring("conditioner.conditioners.".length());
            int dot = rest.indexOf('.');
            return "conditioner." + (dot < 0 ? rest : rest.substring(0, dot));
        }
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    // a CLAP folder holds the audio branch too: only its text branch and projection condition the model
    private static long textEncoderParameters(Path dir, boolean textBranchOnly) {
        Path st = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(st)) {
            return 0;
        }
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            return f.tensors().values().stream()
                    .filter(t -> !textBranchOnly || t.name().replaceFirst("^module\\.", "").startsWith("text_"))
                    .mapToLong(TensorInfo::elementCount).sum();
        }
    }

    public long totalParameters() {
        return components.stream().mapToLong(Component::parameters).sum();
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("model        ").append(dir).append('\n');
        sb.append("type         ").append(modelType).append(", objective ").append(diffusionObjective).append('\n');
        sb.append(String.format("audio        %d Hz, %d channels%n", sampleRate, audioChannels));
        sb.append(String.format("latents      %d channels at %.2f frames/s (%dx downsampling)%n", latentChannels,
                latentRate, downsamplingRatio));
        sb.append(String.format("max length   %.2f s in one pass%n", maxSeconds));
        sb.append("components\n");
        for (Component c : components) {
            sb.append(String.format("  %-26s %-40s %,15d params%n", c.name(), c.type(), c.parameters()));
        }
        sb.append(String.format("  %-26s %-40s %,15d params%n", "total", "", totalParameters()));
        return sb.toString();
    }
}
