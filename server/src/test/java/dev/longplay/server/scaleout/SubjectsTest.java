package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.Priority;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectsTest {

    @Test
    void modelIdsBecomeOneSafeTokenAndNeverCollide() {
        assertEquals("longplay-tiny-random-v1", Subjects.token("longplay-tiny-random-v1"));
        assertEquals("stabilityai_2fstable-audio-open-1_2e0", Subjects.token("stabilityai/stable-audio-open-1.0"));
        assertNotEquals(Subjects.token("a.b"), Subjects.token("a_b"));
        assertNotEquals(Subjects.token("a_2eb"), Subjects.token("a.b"));
        for (String id : new String[]{"a.b", "x y*z>", "/models/ünï", "a_b"}) {
            assertTrue(Subjects.token(id).matches("[A-Za-z0-9_-]+"), id + " -> " + Subjects.token(id));
        }
        assertEquals("longplay.jobs.a_2eb.live.j1", Subjects.job("a.b", Priority.LIVE, "j1"));
        assertEquals("longplay.jobs.a_2eb.batch.>", Subjects.jobFilter("a.b", Priority.BATCH));
        assertEquals("j1", Subjects.lastToken(Subjects.cancel("j1")));
    }

    @Test
    void credentialsStayOutOfLogs() {
        assertEquals("nats://***@h1:4222,nats://h2:4222", JetStreamLayout.redacted("nats://user:secret@h1:4222,nats://h2:4222"));
        assertEquals("nats://***@h1:4222,tls://***@h2:4222", JetStreamLayout.redacted("nats://t0ken@h1:4222,tls://u:p@h2:4222"));
        assertEquals("nats://127.0.0.1:4222", JetStreamLayout.redacted("nats://127.0.0.1:4222"));
    }
}
