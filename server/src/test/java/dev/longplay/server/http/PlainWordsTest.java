package dev.longplay.server.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlainWordsTest {

    @Test
    void javaTypeNamesBecomeJsonTypesAndClientValuesStay() {
        assertEquals("Cannot deserialize value of type integer from String \"abc\": not a valid integer value",
                PlainWords.of("Cannot deserialize value of type `java.lang.Integer` from String \"abc\": not a valid `java.lang.Integer` value"));
        assertEquals("Cannot deserialize value of type string from Array value",
                PlainWords.of("Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"));
        assertEquals("Cannot construct instance of object", PlainWords.of("Cannot construct instance of `dev.longplay.server.requests.JobSpec$Lora`"));
        assertEquals("expected array", PlainWords.of("expected `java.util.List`"));
        assertEquals("no preset named \"lofi.Chill\"", PlainWords.of("no preset named \"lofi.Chill\""));
        assertEquals("take.wav is not a plain file", PlainWords.of("take.wav is not a plain file"));
    }
}
