package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.AutoencoderConfig;
import dev.longplay.models.config.ComponentConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.TestSafetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict loading of the pretransform from an official-format checkpoint, and config validation. */
class AudioAutoencoderLoadTest {

    private static final String DECODER = "pretransform.model.decoder.";

    @TempDir
    Path dir;

    private static GoldenCase golden() {
        return GoldenCase.open(GoldenDirs.ownCase("vae_decode"));
    }

    private static AudioAutoencoder load(Path model, ModelConfig cfg, NDManager m) {
        try (SafetensorsFile file = SafetensorsFile.open(model)) {
            return AudioAutoencoder.load(new StateDict(file, m, DataType.FLOAT32), cfg);
        }
    }

    private String loadError(TestSafetensors checkpoint, ModelConfig cfg) throws IOException {
        Path file = checkpoint.write(dir.resolve("model.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            return assertThrows(CheckpointException.class, () -> load(file, cfg, m)).getMessage();
        }
    }

    @Test
    void missingKey() throws IOException {
        GoldenCase gc = golden();
        String msg = loadError(TestSafetensors.copyOf(gc.modelFile()).remove(DECODER + "layers.4.weight_v"),
                gc.modelConfig());
        assertTrue(msg.contains("missing key '" + DECODER + "layers.4.weight_v'"), msg);
    }

    @Test
    void unexpectedKey() throws IOException {
        GoldenCase gc = golden();
        String msg = loadError(TestSafetensors.copyOf(gc.modelFile())
                .put(DECODER + "layers.4.bias", TestSafetensors.Tensor.f32Ramp(2)), gc.modelConfig());
        assertTrue(msg.contains("unexpected key") && msg.contains(DECODER + "layers.4.bias"), msg);
    }

    @Test
    void shapeMismatch() throws IOException {
        GoldenCase gc = golden();
        String msg = loadError(TestSafetensors.copyOf(gc.modelFile())
                .put(DECODER + "layers.0.bias", TestSafetensors.Tensor.f32Ramp(9)), gc.modelConfig());
        assertTrue(msg.contains("shape mismatch for '" + DECODER + "layers.0.bias'") && msg.contains("[9]")
                && msg.contains("[8]"), msg);
    }

    @Test
    void snakeWeightsUnderAnEluConfigAreUnexpected() throws IOException {
        GoldenCase gc = golden();
        ObjectNode json = (ObjectNode) ModelConfig.JSON.readTree(java.nio.file.Files.readString(
                gc.modelDir().resolve("model_config.json")));
        ((ObjectNode) json.at("/model/pretransform/config/decoder/config")).put("use_snake", false);
        ModelConfig elu = ModelConfig.parse(json.toString(), "test");
        String msg = loadError(TestSafetensors.copyOf(gc.modelFile()), elu);
        assertTrue(msg.contains("unexpected keys") && msg.contains(".alpha"), msg);
    }

    @Test
    void antialiasActivationIsRefused() {
        ObjectNode cfg = ModelConfig.JSON.createObjectNode().put("antialias_activation", true);
        String msg = assertThrows(CheckpointException.class,
                () -> OobleckConfig.decoder(new ComponentConfig("oobleck", cfg))).getMessage();
        assertTrue(msg.contains("antialias_activation"), msg);
    }

    @Test
    void configDefaultsFollowTheReference() {
        OobleckConfig dec = OobleckConfig.decoder(new ComponentConfig("oobleck", ModelConfig.JSON.createObjectNode()));
        assertEquals(new OobleckConfig(2, 128, 32, List.of(1, 2, 4, 8), List.of(2, 4, 8, 8), false, false, true), dec);
        assertEquals(512, dec.ratio());
        String msg = assertThrows(CheckpointException.class,
                () -> OobleckConfig.encoder(new ComponentConfig("dac", ModelConfig.JSON.createObjectNode()))).getMessage();
        assertTrue(msg.contains("'dac'"), msg);
    }

    @Test
    void unsupportedBottleneckIsRefused() {
        AutoencoderConfig ae = golden().modelConfig().autoencoder();
        AutoencoderConfig rvq = new AutoencoderConfig(ae.encoder(), ae.decoder(),
                new ComponentConfig("rvq", null), ae.latentDim(), ae.downsamplingRatio(), ae.ioChannels());
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile file = SafetensorsFile.open(golden().modelFile())) {
            StateDict sd = new StateDict(file, m, DataType.FLOAT32).scope(AudioAutoencoder.CHECKPOINT_PREFIX);
            String msg = assertThrows(CheckpointException.class, () -> AudioAutoencoder.load(sd, rvq, 1.0)).getMessage();
            assertTrue(msg.contains("'rvq'"), msg);
        }
    }

    @Test
    void seededEncodeIsReproducibleAndScaled() {
        try (NDManager m = NDManager.newBaseManager()) {
            AudioAutoencoder ae = load(golden().modelFile(), golden().modelConfig(), m);
            NDArray audio = m.randomUniform(-0.5f, 0.5f, new Shape(1, 2, 256));
            NDArray a = ae.encode(audio, 42L);
            assertEquals(new Shape(1, ae.latentDim(), 256 / ae.downsamplingRatio()), a.getShape());
            assertArrayEquals(a.toFloatArray(), ae.encode(audio, 42L).toFloatArray());
            assertFalse(java.util.Arrays.equals(a.toFloatArray(), ae.encode(audio, 43L).toFloatArray()));

            AudioAutoencoder scaled = new AudioAutoencoder(ae.encoder(), ae.decoder(), ae.bottleneck(), ae.latentDim(),
                    ae.downsamplingRatio(), 2.0);
            assertArrayEquals(a.div(2).toFloatArray(), scaled.encode(audio, 42L).toFloatArray(), 1e-6f);
            NDArray z = m.randomNormal(new Shape(1, ae.latentDim(), 16));
            assertArrayEquals(ae.decode(z.mul(2)).toFloatArray(), scaled.decode(z).toFloatArray(), 1e-6f);
        }
    }
}
