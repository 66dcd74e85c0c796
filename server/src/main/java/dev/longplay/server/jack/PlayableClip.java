package dev.longplay.server.jack;

import dev.longplay.models.audio.Resampler;
import dev.longplay.server.audio.WavReader;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.NoSuchElementException;

/**
 * A clip decoded and resampled to the output rate, as stereo planar floats: what the audio thread reads. Built off
 * the audio thread (decoding and resampling allocate and take time) and only then handed over.
 */
public record PlayableClip(String id, float[] left, float[] right, int sampleRate) {

    public PlayableClip {
        if (left.length != right.length || left.length == 0) {
            throw new IllegalArgumentException("a playable clip needs two channels of equal, non-zero length");
        }
    }

    public int frames() {
        return left.length;
    }

    /** Stereo at {@code rate} from any decoded audio: mono is doubled, channels beyond two are dropped. */
    public static PlayableClip of(String id, float[][] planar, int fromRate, int rate) {
        float[][] at = Resampler.resample(planar, fromRate, rate);
        return new PlayableClip(id, at[0], at.length > 1 ? at[1] : at[0].clone(), rate);
    }

    /** Reads a stored clip and prepares it for {@code rate}; NoSuchElementException if there is no such clip. */
    public static PlayableClip load(ClipStore clips, String clipId, int rate) throws IOException {
        ClipInfo info = clips.get(clipId).orElseThrow(() -> new NoSuchElementException("no clip " + clipId));
        WavReader.Audio audio;
        // Through the store's link-refusing open, like every other read of a clip.
        try (SeekableByteChannel ch = ClipStore.openAudio(info)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(ch.size(), Integer.MAX_VALUE - 8));
            while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
                // read the whole file
            }
            audio = WavReader.decode(bytes.flip(), info.audio().toString());
        } catch (NoSuchFileException e) {
            throw new NoSuchElementException("no clip " + clipId); // evicted or deleted since the lookup
        }
        return of(clipId, audio.samples(), audio.sampleRate(), rate);
    }

    /** Interleaved stereo frames (the shared-memory ring's layout). */
    public float[] interleaved() {
        float[] out = new float[left.length * 2];
        for (int i = 0; i < left.length; i++) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        return out;
    }
}
