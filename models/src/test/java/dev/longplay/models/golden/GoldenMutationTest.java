package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.sa3.same.SameConfig;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden cases catch the bug they exist for: run with that bug put in, a case fails. The tiled SAME cases'
 * last tile starts off the attention-chunk grid, so coding the signal in one piece (ignoring the model's
 * {@code chunked}) gives other numbers than tiling it as the reference does.
 */
class GoldenMutationTest {

    @ParameterizedTest
    @ValueSource(strings = {"sa3_same_s_decode_chunked", "sa3_same_s_encode_chunked"})
    void tiledSameCasesFailWhenCodedInOnePiece(String name) {
        GoldenCase gc = GoldenCase.open(GoldenDirs.ownCase(name));
        boolean encode = gc.component().equals("sa3_same_encode");
        SameConfig tiled = SameConfig.load(gc.modelDir().resolve("model_config.json"));
        assertTrue(tiled.chunked(), name + " is a tiled case");
        SameConfig whole = new SameConfig(tiled.sampleRate(), tiled.audioChannels(), tiled.patchSize(), tiled.latentDim(),
                tiled.downsamplingRatio(), tiled.encoder(), tiled.decoder(), tiled.softClip(), tiled.noiseAugmentDim(),
                false);
        assertEquals(GoldenResult.Status.PASS, run(gc, tiled, encode).status(), "tiled as the reference does");
        GoldenResult r = run(gc, whole, encode);
        assertEquals(GoldenResult.Status.FAIL, r.status(), "in one piece: " + r.line() + " " + r.message());
        assertTrue(r.maxAbsError() > 10 * r.allowed(), "in one piece, off by only " + r.line());
    }

    private static GoldenResult run(GoldenCase gc, SameConfig config, boolean encode) {
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            Map<String, NDArray> in = gc.inputs(manager);
            SameAutoencoder ae = SameAutoencoder.load(new StateDict(file, manager, DataType.FLOAT32)
                    .scope("pretransform.model"), config, manager);
            Map<String, NDArray> out = encode ? Map.of("latents", ae.encode(in.get("audio")))
                    : Map.of("audio", ae.decode(in.get("latents")));
            return GoldenRunner.compare(gc, gc.outputs(manager), out);
        }
    }
}
