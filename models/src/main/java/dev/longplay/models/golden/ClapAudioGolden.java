package dev.longplay.models.golden;

import dev.longplay.models.clap.ClapModel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Golden {@code clap_audio_score}: the CLAP folder {@code clap/} on the mono clips {@code audio_0}, {@code audio_1}, ...
 * at case.json's {@code sample_rate} and its {@code prompts}: the front end's {@code mel} [clips, frames, bins]
 * (one window per clip), the HTSAT branch's {@code audio_pooled}, {@code audio_embeds}, {@code text_embeds}, and
 * {@code score} [prompts, clips] through {@link ClapModel#score}.
 */
public final class ClapAudioGolden implements GoldenComponent {

    @Override
    public String component() {
        return "clap_audio_score";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        List<String> prompts = new ArrayList<>();
        gc.spec().path("prompts").forEach(p -> prompts.add(p.asText()));
        int rate = gc.spec().path("sample_rate").asInt(48000);
        List<float[]> clips = new ArrayList<>();
        for (int i = 0; inputs.containsKey("audio_" + i); i++) {
            clips.add(inputs.get("audio_" + i).toFloatArray());
        }
        if (clips.isEmpty() || prompts.isEmpty()) {
            throw new CheckpointException("case " + gc.name() + " needs prompts and inputs audio_0, audio_1, ...");
        }
        try (ClapModel clap = ClapModel.load(gc.modelDir().resolve("clap"))) {
            List<float[][]> mels = new ArrayList<>();
            NDList embeds = new NDList();
            for (float[] clip : clips) {
                List<float[][]> windows = clap.mel().windows(clip);
                if (windows.size() != 1) {
                    throw new CheckpointException("golden clips must fit one window");
                }
                mels.add(windows.get(0));
                embeds.add(clap.audioEmbedding(new float[][]{clip}, rate, manager).expandDims(0));
            }
            NDArray pooled = clap.audioEncoder().pooled(mels, manager);
            float[] scores = new float[prompts.size() * clips.size()];
            for (int p = 0; p < prompts.size(); p++) {
                for (int c = 0; c < clips.size(); c++) {
                    scores[p * clips.size() + c] = (float) clap.score(prompts.get(p), new float[][]{clips.get(c)}, rate);
                }
            }
            int frames = mels.get(0).length;
            int bins = mels.get(0)[0].length;
            float[] melFlat = new float[clips.size() * frames * bins];
            for (int c = 0; c < clips.size(); c++) {
                for (int f = 0; f < frames; f++) {
                    System.arraycopy(mels.get(c)[f], 0, melFlat, (c * frames + f) * bins, bins);
                }
            }
            return Map.of("mel", manager.create(melFlat, new Shape(clips.size(), frames, bins)),
                    "audio_pooled", pooled,
                    "audio_embeds", NDArrays.concat(embeds, 0),
                    "text_embeds", clap.textEmbeddings(prompts, manager),
                    "score", manager.create(scores, new Shape(prompts.size(), clips.size())));
        }
    }
}
