package dev.longplay.server.jack;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A bounded single-producer / single-consumer ring of preallocated, mutable slots. The producer {@link #claim}s the
 * next free slot, fills its fields and {@link #publish}es it; the consumer {@link #peek}s the oldest published slot,
 * reads it and {@link #release}s it. Nothing is allocated after construction and nothing blocks, so either side may
 * be the audio thread.
 *
 * <p>Ordering: {@code tail} and {@code head} are written with {@code lazySet} (a release store) and read with a
 * volatile load (acquire), so the slot's plain fields written before {@code publish} are visible to the consumer
 * after it reads the new tail, and a slot is only reused after the consumer's release of it is visible.
 *
 * <p>Exactly one thread may produce and one may consume at a time; callers with several producer threads serialise
 * them on their own side (never on the audio thread's side).
 */
public final class SpscSlots<T> {

    private final Object[] slots;
    private final int mask;
    private final AtomicLong head = new AtomicLong(); // next slot to consume
    private final AtomicLong tail = new AtomicLong(); // next slot to produce

    public SpscSlots(int capacity, Supplier<T> factory) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        slots = new Object[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = factory.get();
        }
        mask = capacity - 1;
    }

    /** The next free slot to fill, or null when the ring is full. Producer only. */
    @SuppressWarnings("unchecked")
    public T claim() {
        long t = tail.get();
        if (t - head.get() >= slots.length) {
            return null;
        }
        return (T) slots[(int) (t & mask)];
    }

    /** Makes the slot returned by the last {@link #claim} visible to the consumer. Producer only. */
    public void publish() {
        tail.lazySet(tail.get() + 1);
    }

    /** The oldest published slot, or null when the ring is empty. Consumer only. */
    @SuppressWarnings("unchecked")
    public T peek() {
        long h = head.get();
        if (h == tail.get()) {
            return null;
        }
        return (T) slots[(int) (h & mask)];
    }

    /** Returns the slot from the last {@link #peek} to the producer. Consumer only. */
    public void release() {
        head.lazySet(head.get() + 1);
    }

    public int capacity() {
        return slots.length;
    }

    /** Published slots not yet released (a snapshot; exact only when both sides are idle). */
    public int size() {
        return (int) (tail.get() - head.get());
    }
}
