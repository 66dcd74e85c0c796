package dev.longplay.server.jack;

/** A preallocated slot in the audio → control ring: a voice finished. */
final class VoiceEnd {
    static final int FINISHED = 0;
    static final int STOPPED = 1;
    static final int REPLACED = 2;

    int voice;
    long token;
    long frame;
    int reason;
}
