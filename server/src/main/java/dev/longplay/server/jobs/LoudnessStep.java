package dev.longplay.server.jobs;

import dev.longplay.models.metrics.ClipMeasures;
import dev.longplay.server.clips.RenderedClip;

import java.util.Map;

/**
 * A request's loudness target applied to its rendered clip: one gain for the whole clip, recorded in the clip's
 * metadata. The server's jobs and the command line ({@code generate}, {@code --from} a server clip's sidecar) both
 * pass through here, so the same settings give the same level on either.
 *
 * @param clip the clip at its new level (the rendered clip where the request has no target)
 * @param meta the metadata, with the target and the gain applied where there was one
 */
public record LoudnessStep(RenderedClip clip, ClipMetadata meta) {

    /** {@code clip} and {@code meta} as {@code request}'s loudness target (if any) leaves them. */
    public static LoudnessStep apply(GenerationRequest request, RenderedClip clip, ClipMetadata meta) {
        if (request.loudness() == null) {
            return new LoudnessStep(clip, meta);
        }
        double gainDb = request.loudness().gainDb(ClipMeasures.of(clip.audio(), clip.sampleRate()));
        return new LoudnessStep(withGain(clip, gainDb), meta.withLoudnessTarget(Map.of(
                "targetLufs", request.loudness().targetLufs(),
                "truePeakCeilingDb", request.loudness().truePeakCeilingDb(), "gainDb", gainDb)));
    }

    /** The clip scaled by {@code db}. */
    static RenderedClip withGain(RenderedClip clip, double db) {
        float g = (float) Math.pow(10, db / 20);
        float[][] out = new float[clip.channels()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = clip.audio()[c].clone();
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] *= g;
            }
        }
        return new RenderedClip(out, clip.sampleRate(), clip.seed(), clip.metadata());
    }
}
