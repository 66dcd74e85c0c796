package dev.longplay.models.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan's invariants: windows within the model's window, chained by their overlaps, joins on beats. */
class WindowPlanTest {

    private static void checkChained(WindowPlan plan, int window) {
        List<WindowPlan.Window> ws = plan.windows();
        assertEquals(plan.totalFrames(), ws.get(ws.size() - 1).end(), "the last window ends the clip");
        for (int k = 0; k < ws.size(); k++) {
            WindowPlan.Window w = ws.get(k);
            assertTrue(w.frames() <= window, "window " + k + " fits the model: " + w);
            assertTrue(w.join() < w.end(), "window " + k + " adds audio: " + w);
            if (k > 0) {
                assertEquals(ws.get(k - 1).end(), w.join(), "window " + k + " keeps up to the previous end");
                assertTrue(w.keep() > 0 && w.start() > ws.get(k - 1).start());
            }
        }
    }

    @Test
    void aClipThatFitsIsOneWindow() {
        WindowPlan p = WindowPlan.of(16000, 0, 16000, 0);
        assertEquals(List.of(new WindowPlan.Window(0, 16000, 0)), p.windows());
    }

    @Test
    void sixtySecondsOfATwoSecondModelIsFortyWindowsOfAQuarterOverlap() {
        WindowPlan p = WindowPlan.of(60 * 8000, 0, 16000, 0);
        checkChained(p, 16000);
        assertEquals(4000, p.windows().get(1).keep());
        // 16000 first, then 12000 new frames a window: 1 + ceil((480000 - 16000) / 12000) = 40
        assertEquals(40, p.count());
    }

    @Test
    void fourMinutesFortyFiveOfAStableAudioOpenShapedModelIsEightWindows() {
        int window = 2097152;  // SAO 1.0's sample_size: 47.55 s at 44.1 kHz
        WindowPlan p = WindowPlan.of(285 * 44100, 0, window, 0);
        checkChained(p, window);
        assertEquals(8, p.count());
        assertEquals(524288, p.windows().get(1).keep(), "a quarter of the window is kept");
    }

    @Test
    void withATempoEveryJoinIsOnABeatAndWindowsAreWholeBeats() {
        double beat = 60.0 / 174 * 8000;  // 2758.6 frames: not a whole number
        WindowPlan p = WindowPlan.of(8000 * 60, 0, 16000, beat);
        checkChained(p, 16000);
        for (int j : p.joins()) {
            double beats = j / beat;
            assertTrue(Math.abs(beats - Math.round(beats)) * beat <= 0.5, "join " + j + " is on a beat (" + beats + ")");
        }
        // 16000 / 2758.6 = 5.8: windows of 5 beats, 1 beat kept
        assertEquals(Math.round(beat), p.windows().get(1).keep(), 1);
        assertEquals(Math.round(4 * beat), p.windows().get(2).start() - p.windows().get(1).start(), 1);
    }

    @Test
    void aContinuationStartsInsideTheRecordingAndKeepsAllOfItsEnd() {
        WindowPlan p = WindowPlan.of(100_000, 30_000, 16000, 0);
        checkChained(p, 16000);
        WindowPlan.Window first = p.windows().get(0);
        assertEquals(30_000, first.join(), "the first new audio follows the recording");
        assertEquals(4000, first.keep());
    }
}
