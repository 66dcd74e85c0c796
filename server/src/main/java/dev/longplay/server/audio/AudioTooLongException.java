package dev.longplay.server.audio;

import java.io.IOException;

/** A file that decodes to more audio than {@link AudioFileReader} keeps in memory. */
public final class AudioTooLongException extends IOException {
    public AudioTooLongException(String message) {
        super(message);
    }
}
