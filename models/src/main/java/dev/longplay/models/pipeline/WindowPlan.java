package dev.longplay.models.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * How a clip longer than a model's window is cut into windows. Each window after the first starts inside the audio
 * made so far and keeps its first {@code keep} frames (the overlap) as context to continue; the new audio it adds
 * begins where the previous window ended. Windows are the model's whole window long (the last one shorter), with a
 * quarter of it as overlap.
 *
 * <p>With a beat length, window starts, lengths and overlaps are whole numbers of beats counted from the clip's
 * start, so every join (the end of a window's kept context) falls on a beat. Positions are rounded from the beat
 * grid, never accumulated, so a long clip does not drift off it.
 *
 * <p>Invariants: windows are in order, none longer than {@code maxWindowFrames}; window k+1 keeps exactly the frames
 * from its start to window k's end; the last window ends at {@code totalFrames}; the first starts at or before
 * {@code startFrames} (audio already there, for continuation) and keeps up to it.
 */
public record WindowPlan(int totalFrames, List<Window> windows) {

    /** The share of a window kept from the audio before it. */
    public static final double OVERLAP_SHARE = 0.25;

    /** Frames [start, start + frames) of the clip; the first {@code keep} of them already exist and are kept. */
    public record Window(int start, int frames, int keep) {

        public int end() {
            return start + frames;
        }

        /** Where the window's new audio begins: the join with the audio before it. */
        public int join() {
            return start + keep;
        }
    }

    public WindowPlan {
        windows = List.copyOf(windows);
    }

    public int count() {
        return windows.size();
    }

    /** Every frame where a window's new audio follows audio made before it (or the recording it continues). */
    public List<Integer> joins() {
        List<Integer> out = new ArrayList<>();
        for (Window w : windows) {
            if (w.keep() > 0) {
                out.add(w.join());
            }
        }
        return out;
    }

    /**
     * totalFrames: the clip; startFrames: frames of it that exist already (0, or a recording being continued);
     * maxWindowFrames: the model's window; beatFrames: the beat length in frames, or 0 for no beat grid.
     */
    public static WindowPlan of(int totalFrames, int startFrames, int maxWindowFrames, double beatFrames) {
        if (totalFrames <= 0 || maxWindowFrames < 4 || startFrames < 0 || startFrames >= totalFrames) {
            throw new IllegalArgumentException("a window plan needs 0 <= start < total and a window of 4 frames or more");
        }
        if (totalFrames <= maxWindowFrames) {
            return new WindowPlan(totalFrames, List.of(new Window(0, totalFrames, startFrames)));
        }
        double unit = beatFrames > 0 && startFrames == 0 && Math.floor(maxWindowFrames / beatFrames) >= 2 ? beatFrames : 1;
        long width = (long) Math.floor(maxWindowFrames / unit);
        long overlap = Math.max(1, Math.round(width * OVERLAP_SHARE));
        long advance = width - overlap;
        double startUnits = startFrames / unit;
        double base = Math.max(0, startUnits - overlap);
        List<Window> out = new ArrayList<>();
        int keepFrom = startFrames;
        for (long k = 0; ; k++) {
            double s = base + k * advance;
            int start = (int) Math.round(s * unit);
            int end = (int) Math.min(Math.min(totalFrames, (long) start + maxWindowFrames), Math.round((s + width) * unit));
            int keep = k == 0 ? startFrames - start : keepFrom - start;
            out.add(new Window(start, end - start, keep));
            if (end >= totalFrames) {
                break;
            }
            keepFrom = end;
        }
        return new WindowPlan(totalFrames, out);
    }
}
