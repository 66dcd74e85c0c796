package dev.longplay.server.jack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpscSlotsTest {

    static final class Slot {
        long a;
        long b;
    }

    @Test
    void fillsToCapacityThenRefusesAndReusesReleasedSlots() {
        SpscSlots<Slot> ring = new SpscSlots<>(4, Slot::new);
        assertNull(ring.peek());
        for (int i = 0; i < 4; i++) {
            Slot s = ring.claim();
            assertNotNull(s);
            s.a = i;
            ring.publish();
        }
        assertNull(ring.claim(), "full");
        assertEquals(0, ring.peek().a);
        ring.release();
        assertNotNull(ring.claim(), "a released slot is free again");
        assertThrows(IllegalArgumentException.class, () -> new SpscSlots<>(3, Slot::new));
    }

    @Test
    void twoThreadsSeeEveryValueInOrderAndNeverATornSlot() throws Exception {
        SpscSlots<Slot> ring = new SpscSlots<>(64, Slot::new);
        long n = 200_000;
        AtomicReference<String> problem = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            long expected = 0;
            while (expected < n) {
                Slot s = ring.peek();
                if (s == null) {
                    Thread.yield(); // two shared cores: let the other side run
                    continue;
                }
                if (s.a != expected || s.b != ~expected) {
                    problem.compareAndSet(null, "slot " + expected + " read as " + s.a + "/" + s.b);
                }
                expected++;
                ring.release();
            }
        });
        consumer.start();
        for (long i = 0; i < n; ) {
            Slot s = ring.claim();
            if (s == null) {
                Thread.yield(); // two shared cores: let the other side run
                continue;
            }
            s.a = i;
            s.b = ~i;
            ring.publish();
            i++;
        }
        consumer.join(30_000);
        assertNull(problem.get());
        assertEquals(0, ring.size());
    }
}
