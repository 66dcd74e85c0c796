package dev.longplay.models.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopSeamTest {

    @Test
    void loopLengthFollowsTempoAndBars() {
        assertEquals(88200, LoopSeam.loopFrames(120, 1, 4, 44100));
        assertEquals(Math.round(60.0 / 174 * 4 * 4 * 44100), LoopSeam.loopFrames(174, 4, 4, 44100));
    }

    /**
     * A sawtooth-rich signal whose period does not divide the loop: cut naively, the wrap jumps; closed with
     * the seam, the jump at the wrap is no bigger than the signal's own largest step between neighbours.
     */
    @Test
    void wrapIsAsSmoothAsTheMusic() {
        int rate = 44100;
        int loop = LoopSeam.loopFrames(123, 1, 4, rate);
        int fade = LoopSeam.fadeFrames(rate, loop);
        Random rnd = new Random(7);
        float[][] rendered = new float[2][loop + fade];
        for (int c = 0; c < 2; c++) {
            double phase = rnd.nextDouble();
            for (int i = 0; i < rendered[c].length; i++) {
                rendered[c][i] = (float) (0.5 * Math.sin(2 * Math.PI * (97.3 * i / rate + phase))
                        + 0.3 * Math.sin(2 * Math.PI * (611.0 * i / rate)));
            }
        }
        float[][] closed = LoopSeam.close(rendered, loop, fade);
        for (int c = 0; c < 2; c++) {
            float[] x = closed[c];
            assertEquals(loop, x.length);
            double maxStep = 0;
            for (int i = 1; i < x.length; i++) {
                maxStep = Math.max(maxStep, Math.abs(x[i] - x[i - 1]));
            }
            double naiveJump = Math.abs(rendered[c][0] - rendered[c][loop - 1]);
            double wrapJump = Math.abs(x[0] - x[loop - 1]);
            assertTrue(naiveJump > 3 * maxStep, "test signal must have a real discontinuity when cut naively");
            assertTrue(wrapJump <= maxStep * 1.05, "wrap jump " + wrapJump + " vs largest step " + maxStep);
        }
    }
}
