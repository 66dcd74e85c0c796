package dev.longplay.server.jack;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mixer and the player's control logic, driven period by period without JACK. */
class MixerTest {

    static final int RATE = 48_000;
    static final int PERIOD = 64;

    /** A clip whose sample i is (i + 1) / 1000 on the left and its negative on the right: every frame is identifiable. */
    static PlayableClip ramp(String id, int frames) {
        float[] l = new float[frames];
        float[] r = new float[frames];
        for (int i = 0; i < frames; i++) {
            l[i] = (i + 1) / 1000f;
            r[i] = -(i + 1) / 1000f;
        }
        return new PlayableClip(id, l, r, RATE);
    }

    final List<PlayEnded> ended = new ArrayList<>();
    final Player player = new Player(new Mixer(4, 1024), RATE, (id, rate) -> {
        if (id.startsWith("ramp")) {
            return ramp(id, Integer.parseInt(id.substring(4)));
        }
        throw new NoSuchElementException(id);
    }, 120);
    long frame = 1000;

    MixerTest() {
        player.addEndListener(ended::add);
    }

    /** Runs periods and returns voice {@code v}'s left output over them. */
    float[][] run(int v, int periods) {
        float[][] out = new float[2][periods * PERIOD];
        for (int p = 0; p < periods; p++) {
            player.audioCycle(frame, PERIOD, false, false, 0, 0);
            System.arraycopy(player.mixer().left(v), 0, out[0], p * PERIOD, PERIOD);
            System.arraycopy(player.mixer().right(v), 0, out[1], p * PERIOD, PERIOD);
            frame += PERIOD;
        }
        player.drainEnds();
        return out;
    }

    static PlayRequest req(String playId, String clip, Long at, PlayMode mode, double gain, double fadeMs, Double gateSeconds) {
        return new PlayRequest(playId, clip, at, null, mode, gain, fadeMs, null, gateSeconds);
    }

    @Test
    void startsOnTheExactFrameAcrossPeriodsAndEndsWithAnEvent() throws Exception {
        run(0, 1); // the clock has seen frame 1000
        long at = frame + PERIOD + 17; // inside the second period from now
        player.play(req("p1", "ramp100", at, PlayMode.ONE_SHOT, 1, 0, null));
        float[][] out = run(0, 4);
        int first = (int) (at - (frame - 4 * PERIOD));
        for (int i = 0; i < first; i++) {
            assertEquals(0f, out[0][i], "silent before the start, frame " + i);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals((i + 1) / 1000f, out[0][first + i], "left frame " + i);
            assertEquals(-(i + 1) / 1000f, out[1][first + i], "right frame " + i);
        }
        for (int i = first + 100; i < out[0].length; i++) {
            assertEquals(0f, out[0][i], "silent after a one-shot");
        }
        assertEquals(List.of(new PlayEnded("p1", "ramp100", 0, at + 100, "finished")), ended);
    }

    @Test
    void loopsWrapSampleExactlyAndStopFadesOut() throws Exception {
        run(0, 1);
        player.play(req("l", "ramp50", frame, PlayMode.LOOP, 0.5, 0, null));
        float[][] out = run(0, 4);
        for (int i = 0; i < out[0].length; i++) {
            assertEquals(0.5f * ((i % 50) + 1) / 1000f, out[0][i], 1e-7, "frame " + i);
        }
        assertTrue(ended.isEmpty());
        assertTrue(player.stop("l"));
        run(0, 1);
        assertEquals(1, ended.size());
        assertEquals("stopped", ended.get(0).reason());
        assertFalse(player.stop("l"), "no longer playing");
    }

    @Test
    void fadesInAndOutLinearlyAndGateClosesOnTime() throws Exception {
        run(0, 1);
        int fade = 48; // 1 ms
        float[] ones = new float[1000];
        java.util.Arrays.fill(ones, 1f);
        Player p = new Player(new Mixer(1, 1024), RATE, (id, rate) -> new PlayableClip(id, ones, ones.clone(), rate), 120);
        List<PlayEnded> ends = new ArrayList<>();
        p.addEndListener(ends::add);
        p.audioCycle(0, PERIOD, false, false, 0, 0);
        p.play(new PlayRequest("g", "ones", 64L, null, PlayMode.GATE, 1.0, 1.0, null, 200.0 / RATE));
        float[] out = new float[8 * PERIOD];
        for (int c = 0; c < 8; c++) {
            p.audioCycle(64 + c * PERIOD, PERIOD, false, false, 0, 0);
            System.arraycopy(p.mixer().left(0), 0, out, c * PERIOD, PERIOD);
        }
        p.drainEnds();
        for (int i = 0; i < fade; i++) {
            assertEquals((i + 1f) / (fade + 1), out[i], 1e-6, "fade in " + i);
        }
        assertEquals(1f, out[100]);
        // The gate is 200 frames long; the release then takes the fade length.
        for (int i = 0; i < fade; i++) {
            assertEquals((float) (fade - i) / (fade + 1), out[200 + i], 1e-6, "fade out " + i);
        }
        assertEquals(0f, out[200 + fade]);
        assertEquals(List.of(new PlayEnded("g", "ones", 0, 64 + 200 + fade, "finished")), ends);
    }

    @Test
    void gainChangesRampOverTheFadeLength() throws Exception {
        float[] ones = new float[100_000];
        java.util.Arrays.fill(ones, 1f);
        Player p = new Player(new Mixer(1, 1024), RATE, (id, rate) -> new PlayableClip(id, ones, ones.clone(), rate), 120);
        p.audioCycle(0, PERIOD, false, false, 0, 0);
        p.play(new PlayRequest("x", "ones", null, null, PlayMode.LOOP, 1.0, 64.0 / 48, null, null)); // 64-frame fade
        for (int c = 1; c <= 4; c++) {
            p.audioCycle(c * PERIOD, PERIOD, false, false, 0, 0);
        }
        assertTrue(p.setGain("x", 0.0));
        p.audioCycle(5 * PERIOD, PERIOD, false, false, 0, 0);
        float[] l = p.mixer().left(0);
        assertEquals(63f / 64, l[0], 1e-6);
        assertEquals(0.5f, l[31], 1e-6);
        assertEquals(0f, l[63], 1e-6);
    }

    @Test
    void beatStartsFollowTheInternalClockAndTheTransport() throws Exception {
        // Internal clock at 120 bpm: 24,000 frames per beat from the first period.
        player.audioCycle(0, PERIOD, false, false, 0, 0);
        player.play(new PlayRequest("b", "ramp10", null, 1.0, null, 1.0, 0.0, null, null));
        int startsAt = -1;
        for (long f = PERIOD; f < 30_000 && startsAt < 0; f += PERIOD) {
            player.audioCycle(f, PERIOD, false, false, 0, 0);
            for (int i = 0; i < PERIOD; i++) {
                if (player.mixer().left(0)[i] != 0f) {
                    startsAt = (int) (f + i);
                    break;
                }
            }
        }
        assertEquals(24_000, startsAt);
        assertEquals("internal", player.position().source());

        // Transport BBT at 60 bpm says beat 7.5 at frame 100,000: beat 8 falls 24,000 frames later.
        player.play(new PlayRequest("t", "ramp10", null, 8.0, null, 1.0, 0.0, null, null));
        player.audioCycle(100_000, PERIOD, true, false, 7.5, 60);
        assertEquals(0f, player.mixer().left(1)[0], "a stopped transport holds beat starts");
        startsAt = -1;
        for (long f = 100_000; f < 130_000 && startsAt < 0; f += PERIOD) {
            player.audioCycle(f, PERIOD, true, true, 7.5 + (f - 100_000) / 48_000.0, 60);
            for (int i = 0; i < PERIOD; i++) {
                if (player.mixer().left(1)[i] != 0f) {
                    startsAt = (int) (f + i);
                    break;
                }
            }
        }
        assertEquals(124_000, startsAt);
        assertEquals("transport", player.position().source());
    }

    @Test
    void voicesRunOutAndAReplayReplacesItsVoice() throws Exception {
        run(0, 1);
        for (int i = 0; i < 4; i++) {
            player.play(req("v" + i, "ramp100000", null, PlayMode.LOOP, 1, 0, null));
        }
        PlayerException full = assertThrows(PlayerException.class, () -> player.play(PlayRequest.now("v4", "ramp10")));
        assertEquals("no_free_voice", full.code());
        assertThrows(NoSuchElementException.class, () -> player.play(PlayRequest.now("v0", "nope")));
        Player.PlayStarted again = player.play(PlayRequest.now("v2", "ramp10"));
        assertEquals(2, again.voice());
        run(0, 1);
        assertEquals("replaced", ended.get(0).reason());
        assertEquals("v2", ended.get(0).playId());
    }

    @Test
    void frameTimesWrapAt32Bits() throws Exception {
        frame = 0xFFFF_FFFFL - 100;
        run(0, 1);
        long at = (frame + 200) & 0xFFFF_FFFFL; // past the wrap
        player.play(req("w", "ramp10", at, PlayMode.ONE_SHOT, 1, 0, null));
        float[] got = new float[4 * PERIOD];
        for (int p = 0; p < 4; p++) {
            player.audioCycle(frame & 0xFFFF_FFFFL, PERIOD, false, false, 0, 0);
            System.arraycopy(player.mixer().left(0), 0, got, p * PERIOD, PERIOD);
            frame += PERIOD;
        }
        int first = 200;
        assertEquals(0f, got[first - 1]);
        assertEquals(1 / 1000f, got[first]);
        player.drainEnds();
        assertEquals(at + 10, ended.get(0).frame());
    }

    @Test
    void aFrameTimeReadOnePeriodAheadOnceIsIgnoredButAPersistentJumpIsFollowed() throws Exception {
        player.audioCycle(0, PERIOD, false, false, 0, 0);
        player.audioCycle(2 * PERIOD, PERIOD, false, false, 0, 0); // JACK's timer raced ahead for one cycle
        assertEquals(PERIOD, player.position().frame());
        player.audioCycle(2 * PERIOD, PERIOD, false, false, 0, 0);
        assertEquals(2 * PERIOD, player.position().frame());
        player.audioCycle(10 * PERIOD, PERIOD, false, false, 0, 0); // an xrun skipped cycles
        assertEquals(3 * PERIOD, player.position().frame());
        player.audioCycle(11 * PERIOD, PERIOD, false, false, 0, 0);
        assertEquals(11 * PERIOD, player.position().frame(), "a persistent offset is real");
    }
}
