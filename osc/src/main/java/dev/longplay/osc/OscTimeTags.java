package dev.longplay.osc;

import com.illposed.osc.argument.OSCTimeTag64;

import java.time.Instant;

/**
 * NTP timetags (seconds since 1900 in the high 32 bits, a binary fraction in the low 32) to and from
 * {@link Instant}. JavaOSC 0.8 writes Unix seconds into the NTP field, so a correct timetag from
 * SuperCollider or liblo decodes 70 years off there; every conversion goes through here instead.
 */
public final class OscTimeTags {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    public static final long NTP_UNIX_OFFSET = 2_208_988_800L;
    /** The special timetag meaning "now". */
    public static final long IMMEDIATE = 1L;

    private OscTimeTags() {
    }

    /** Raw 64-bit NTP timetag of an instant (era 0, 1900–2036, as OSC 1.x uses it). */
    public static long toNtp(Instant t) {
        long seconds = t.getEpochSecond() + NTP_UNIX_OFFSET;
        // Round to the nearest 2^-32 s so that toNtp(toInstant(x)) == x.
        long fraction = ((long) t.getNano() << 32) + 500_000_000L;
        fraction /= 1_000_000_000L;
        return (seconds << 32) + fraction;
    }

    /** The instant of a raw NTP timetag; {@link #IMMEDIATE} has no instant and is the caller's to test. */
    public static Instant toInstant(long ntp) {
        long seconds = ntp >>> 32;
        long fraction = ntp & 0xFFFF_FFFFL;
        long nanos = (fraction * 1_000_000_000L + (1L << 31)) >>> 32;
        return Instant.ofEpochSecond(seconds - NTP_UNIX_OFFSET, nanos);
    }

    public static boolean isImmediate(long ntp) {
        return ntp == IMMEDIATE;
    }

    /** JavaOSC's carrier for a raw timetag, for building bundles. */
    public static OSCTimeTag64 toJavaOsc(Instant t) {
        return OSCTimeTag64.valueOf(toNtp(t));
    }

    public static OSCTimeTag64 immediateJavaOsc() {
        return OSCTimeTag64.valueOf(IMMEDIATE);
    }
}
