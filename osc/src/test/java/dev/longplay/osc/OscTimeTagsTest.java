package dev.longplay.osc;

import com.illposed.osc.argument.OSCTimeTag64;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class OscTimeTagsTest {
    @Test
    void knownNtpValues() {
        // 1970-01-01 is 2,208,988,800 s after the NTP epoch (RFC 5905): 0x83AA7E80.
        assertEquals(0x83AA7E80_00000000L, OscTimeTags.toNtp(Instant.EPOCH));
        // 2024-01-01T00:00:00.5Z: seconds 0xE93C7F00, fraction one half.
        long ntp = 0xE93C7F00_80000000L;
        assertEquals(ntp, OscTimeTags.toNtp(Instant.parse("2024-01-01T00:00:00.5Z")));
        assertEquals(Instant.parse("2024-01-01T00:00:00.5Z"), OscTimeTags.toInstant(ntp));
    }

    @Test
    void roundTripsToTheNearestFraction() {
        Instant t = Instant.parse("2031-07-14T12:34:56.123456789Z");
        Instant back = OscTimeTags.toInstant(OscTimeTags.toNtp(t));
        assertEquals(t.getEpochSecond(), back.getEpochSecond());
        assertEquals(t.getNano(), back.getNano(), 1); // 2^-32 s is 0.23 ns
        long ntp = 0xEC000000_12345678L;
        assertEquals(ntp, OscTimeTags.toNtp(OscTimeTags.toInstant(ntp)));
    }

    @Test
    void javaOscsOwnConversionIsTheTrapWeAvoid() {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        assertNotEquals(OscTimeTags.toNtp(t), OSCTimeTag64.valueOf(t).getNtpTime());
        assertEquals(OscTimeTags.toNtp(t), OscTimeTags.toJavaOsc(t).getNtpTime());
    }
}
