package dev.longplay.models.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShareTest {

    private static final double Z2 = 1.959963984540054 * 1.959963984540054;

    @Test
    void noHitsGiveWilsonsClosedFormUpperEnd() {
        // with no hits the interval is [0, z^2 / (n + z^2)]
        Share s = new Share(0, 10);
        assertEquals(0.0, s.value());
        assertEquals(0.0, s.low(), 1e-12);
        assertEquals(Z2 / (10 + Z2), s.high(), 1e-12);
        assertEquals(0.2775, s.high(), 1e-4);
    }

    @Test
    void allHitsMirrorNoHits() {
        Share s = new Share(48, 48);
        assertEquals(1.0, s.high(), 1e-12);
        assertEquals(48 / (48 + Z2), s.low(), 1e-12);
    }

    @Test
    void halfOfAHundredIsTheTextbookInterval() {
        // 50 of 100: 0.5 ± z·sqrt(0.25/100 + z²/40000) / (1 + z²/100) = [0.4038, 0.5962]
        Share s = new Share(50, 100);
        assertEquals(0.40383, s.low(), 1e-5);
        assertEquals(0.59617, s.high(), 1e-5);
    }

    @Test
    void theIntervalNarrowsWithMorePromptsAndHoldsTheShare() {
        Share few = new Share(15, 48), many = new Share(45, 144);
        assertEquals(few.value(), many.value(), 1e-12);
        assertTrue(many.high() - many.low() < few.high() - few.low());
        assertTrue(many.low() < many.value() && many.value() < many.high());
        assertEquals("0.31 (0.24–0.39, n 144)", many.toString());
    }

    @Test
    void nothingAskedIsNotANumber() {
        Share s = new Share(0, 0);
        assertTrue(Double.isNaN(s.value()) && Double.isNaN(s.low()) && Double.isNaN(s.high()));
        assertThrows(IllegalArgumentException.class, () -> new Share(3, 2));
    }
}
