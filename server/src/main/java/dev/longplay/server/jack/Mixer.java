package dev.longplay.server.jack;

/**
 * The audio thread's half of the player: a fixed voice table rendered into one stereo buffer pair per voice.
 * {@link #process} is called once per period with the period's first frame time; it drains the command ring,
 * renders every voice and reports finished voices through the end ring. It allocates nothing, takes no lock and
 * does no I/O (see MixerAllocationTest), so it is safe in a JACK process callback.
 *
 * <p>Frame times are 64-bit and unwrapped (JACK's are 32-bit; the driver extends them).
 */
public final class Mixer {

    /** The largest period the buffers are sized for (JACK allows up to 8192). */
    public static final int MAX_FRAMES = 8192;

    private static final class Voice {
        boolean active;
        boolean started;
        long token;
        PlayableClip clip;
        PlayMode mode;
        long startFrame;
        double startBeat;
        int pos;
        long played;
        int fadeFrames;
        long gateLeft;
        float gain;
        float gainTarget;
        float gainStep;
        int releaseLeft;   // > 0 while fading out
        int releaseLength;
        boolean endPending; // finished, but the end ring was full: report next period
        long endFrame;
        int endReason;
    }

    private final Voice[] voices;
    private final float[][] left;
    private final float[][] right;
    private final SpscSlots<Command> commands;
    private final SpscSlots<VoiceEnd> ends;

    public Mixer(int voiceCount, int maxFrames) {
        if (voiceCount < 1 || voiceCount > 64) {
            throw new IllegalArgumentException("voices must be in [1, 64], got " + voiceCount);
        }
        if (maxFrames < 1 || maxFrames > MAX_FRAMES) {
            throw new IllegalArgumentException("maxFrames must be in [1, " + MAX_FRAMES + "]");
        }
        voices = new Voice[voiceCount];
        for (int i = 0; i < voiceCount; i++) {
            voices[i] = new Voice();
        }
        left = new float[voiceCount][maxFrames];
        right = new float[voiceCount][maxFrames];
        // Every voice can start, change gain and stop within one period without the control side ever waiting.
        int slots = Integer.highestOneBit(voiceCount * 4 - 1) << 1;
        commands = new SpscSlots<>(Math.max(64, slots), Command::new);
        ends = new SpscSlots<>(Math.max(64, slots), VoiceEnd::new);
    }

    public int voices() {
        return voices.length;
    }

    SpscSlots<Command> commands() {
        return commands;
    }

    SpscSlots<VoiceEnd> ends() {
        return ends;
    }

    /** Voice {@code v}'s left output for the last period (valid up to its frame count). */
    public float[] left(int v) {
        return left[v];
    }

    public float[] right(int v) {
        return right[v];
    }

    /**
     * Renders one period.
     *
     * @param cycleStart     frame time of the period's first frame
     * @param frames         period length
     * @param beatAtStart    musical position (in beats) at {@code cycleStart}, or NaN when no clock runs
     * @param framesPerBeat  frames per beat at the current tempo, or NaN
     */
    public void process(long cycleStart, int frames, double beatAtStart, double framesPerBeat) {
        for (Command c = commands.peek(); c != null; c = commands.peek()) {
            apply(c, cycleStart);
            c.clear();
            commands.release();
        }
        for (int v = 0; v < voices.length; v++) {
            render(voices[v], left[v], right[v], cycleStart, frames, beatAtStart, framesPerBeat);
            Voice voice = voices[v];
            if (voice.endPending) {
                VoiceEnd e = ends.claim();
                if (e != null) {
                    e.voice = v;
                    e.token = voice.token;
                    e.frame = voice.endFrame;
                    e.reason = voice.endReason;
                    ends.publish();
                    voice.endPending = false;
                    voice.clip = null;
                }
            }
        }
    }

    private void apply(Command c, long cycleStart) {
        Voice v = voices[c.voice];
        switch (c.kind) {
            case Command.PLAY -> {
                if (v.active) {
                    finish(v, cycleStart, VoiceEnd.REPLACED);
                }
                if (v.endPending) {
                    flushEnd(c.voice, v);
                }
                v.active = true;
                v.started = false;
                v.endPending = false;
                v.token = c.token;
                v.clip = c.clip;
                v.mode = c.mode;
                v.startFrame = c.startFrame;
                v.startBeat = c.startBeat;
                v.pos = 0;
                v.played = 0;
                v.fadeFrames = c.fadeFrames;
                v.gateLeft = c.gateFrames;
                v.gain = c.gain;
                v.gainTarget = c.gain;
                v.gainStep = 0;
                v.releaseLeft = 0;
            }
            case Command.STOP -> {
                if (v.active && v.token == c.token && v.releaseLeft == 0) {
                    if (!v.started || v.fadeFrames == 0) {
                        finish(v, cycleStart, VoiceEnd.STOPPED);
                    } else {
                        v.releaseLeft = v.fadeFrames;
                        v.releaseLength = v.fadeFrames;
                        v.endReason = VoiceEnd.STOPPED;
                    }
                }
            }
            case Command.GAIN -> {
                if (v.active && v.token == c.token) {
                    v.gainTarget = c.gain;
                    // Ramp over the fade length (at least one sample) so a gain change never clicks.
                    v.gainStep = (c.gain - v.gain) / Math.max(1, v.fadeFrames);
                }
            }
            default -> {
                // unknown kinds cannot be produced: Player only writes the three above
            }
        }
    }

    /**
     * A voice replaced in the same period must report its end before its slot is reused. Should the end ring be
     * full, that "replaced" report is dropped: the voice already belongs to the new play, so nothing is leaked.
     */
    private void flushEnd(int index, Voice v) {
        VoiceEnd e = ends.claim();
        if (e != null) {
            e.voice = index;
            e.token = v.token;
            e.frame = v.endFrame;
            e.reason = v.endReason;
            ends.publish();
        }
        v.endPending = false;
    }

    private static void finish(Voice v, long frame, int reason) {
        v.active = false;
        v.endPending = true;
        v.endFrame = frame;
        v.endReason = reason;
        v.releaseLeft = 0;
    }

    private static void render(Voice v, float[] l, float[] r, long cycleStart, int frames, double beatAtStart, double framesPerBeat) {
        int from = 0;
        if (v.active && !v.started) {
            if (!Double.isNaN(v.startBeat)) {
                if (Double.isNaN(beatAtStart) || !(framesPerBeat > 0)) {
                    from = frames; // no running clock yet: wait for one
                } else {
                    v.startFrame = cycleStart + Math.round((v.startBeat - beatAtStart) * framesPerBeat);
                }
            }
            if (from < frames) {
                long offset = v.startFrame == Long.MIN_VALUE ? 0 : v.startFrame - cycleStart;
                if (offset >= frames) {
                    from = frames;
                } else {
                    from = (int) Math.max(0, offset); // a start already past plays at once
                    v.started = true;
                }
            }
        }
        for (int i = 0; i < from; i++) {
            l[i] = 0f;
            r[i] = 0f;
        }
        if (!v.active || !v.started) {
            for (int i = from; i < frames; i++) {
                l[i] = 0f;
                r[i] = 0f;
            }
            return;
        }
        float[] cl = v.clip.left();
        float[] cr = v.clip.right();
        int n = cl.length;
        int i = from;
        for (; i < frames; i++) {
            if (v.gainStep != 0f) {
                v.gain += v.gainStep;
                if ((v.gainStep > 0f) == (v.gain >= v.gainTarget)) {
                    v.gain = v.gainTarget;
                    v.gainStep = 0f;
                }
            }
            float env = v.gain;
            if (v.played < v.fadeFrames) {
                env *= (float) (v.played + 1) / (v.fadeFrames + 1);
            }
            if (v.releaseLeft > 0) {
                env *= (float) v.releaseLeft / (v.releaseLength + 1);
            }
            l[i] = cl[v.pos] * env;
            r[i] = cr[v.pos] * env;
            v.played++;
            if (++v.pos == n) {
                if (v.mode == PlayMode.ONE_SHOT) {
                    finish(v, cycleStart + i + 1, VoiceEnd.FINISHED);
                    i++;
                    break;
                }
                v.pos = 0; // loop and gate wrap sample-exactly
            }
            if (v.releaseLeft > 0 && --v.releaseLeft == 0) {
                finish(v, cycleStart + i + 1, v.endReason);
                i++;
                break;
            }
            if (v.mode == PlayMode.GATE && v.releaseLeft == 0 && --v.gateLeft == 0) {
                if (v.fadeFrames == 0) {
                    finish(v, cycleStart + i + 1, VoiceEnd.FINISHED);
                    i++;
                    break;
                }
                v.releaseLeft = v.fadeFrames;
                v.releaseLength = v.fadeFrames;
                v.endReason = VoiceEnd.FINISHED;
            }
        }
        for (; i < frames; i++) {
            l[i] = 0f;
            r[i] = 0f;
        }
    }
}
