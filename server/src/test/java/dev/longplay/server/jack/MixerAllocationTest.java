package dev.longplay.server.jack;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audio-thread path allocates nothing: counts this thread's allocated bytes (HotSpot's per-thread counter)
 * around many periods that consume commands, mix looping voices with fades and gain ramps, start voices on beats
 * and report ends.
 */
class MixerAllocationTest {

    @Test
    void periodsAllocateNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        int rate = 48_000;
        Player player = new Player(new Mixer(8, 256), rate, (id, r) -> MixerTest.ramp(id, Integer.parseInt(id)), 120);
        JackCapture capture = new JackCapture(player);
        java.nio.FloatBuffer in = java.nio.FloatBuffer.wrap(new float[256]);
        // One take spanning the measured rounds: the copy into it is part of the audio path.
        java.util.concurrent.CompletableFuture<JackCapture.Recording> take = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return capture.record(40 * 500 * 256, null, java.time.Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long frame = 0;
        long tid = Thread.currentThread().getId();
        long measured = 0;
        long worst = 0;
        int zeroRounds = 0;
        for (int round = 0; round < 60; round++) {
            while (round == 20 && !capture.isRecording()) {
                Thread.sleep(1); // the take is armed by the recording thread
            }
            // Control-side work (allowed to allocate) happens outside the measured window.
            for (int v = 0; v < 8; v++) {
                String id = "p" + v;
                player.play(new PlayRequest(id, Integer.toString(1000 + v * 7), null, v % 2 == 0 ? null : (double) round,
                        v < 4 ? PlayMode.LOOP : PlayMode.ONE_SHOT, 0.8, 2.0, null, null));
                player.setGain(id, 0.5);
                if (v == 3) {
                    player.stop(id);
                }
            }
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 500; i++) {
                long start = player.audioCycle(frame & 0xFFFF_FFFFL, 256, round % 2 == 0, true, frame / 24_000.0, 120);
                if (round >= 20) {
                    capture.process(start, 256, in, in);
                }
                frame += 256;
            }
            long after = threads.getThreadAllocatedBytes(tid);
            if (round >= 40) {
                measured += after - before;
                worst = Math.max(worst, after - before);
                zeroRounds += after == before ? 1 : 0;
            }
            player.drainEnds();
        }
        // The smallest object is 16 bytes, so a path that allocated even once every 8 periods would put 1,000 bytes
        // into every 500-period round. Tiered compilation can still charge a few hundred bytes of its own
        // bookkeeping (deoptimisation, OSR) to this thread once, late; so: nearly every round exactly zero, none
        // with a per-period pattern.
        assertTrue(worst < 1000, "a 500-period round allocated " + worst + " bytes");
        assertTrue(zeroRounds >= 18, "only " + zeroRounds + " of 20 rounds allocated nothing (" + measured + " bytes in all)");
        assertEquals(40 * 500 * 256, take.get(10, java.util.concurrent.TimeUnit.SECONDS).frames());
    }
}
