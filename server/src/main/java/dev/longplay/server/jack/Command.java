package dev.longplay.server.jack;

/** A preallocated slot in the control → audio ring. Plain fields: the ring's release/acquire publishes them. */
final class Command {
    static final int PLAY = 1;
    static final int STOP = 2;
    static final int GAIN = 3;

    int kind;
    int voice;
    long token;
    PlayableClip clip;
    /** Absolute (64-bit, unwrapped) frame time to start at; {@link Long#MIN_VALUE} = now or see {@link #startBeat}. */
    long startFrame;
    /** Beat to start at, or NaN. */
    double startBeat;
    PlayMode mode;
    float gain;
    int fadeFrames;
    long gateFrames;

    void clear() {
        clip = null; // drop the reference once consumed so a finished clip can be collected
    }
}
