package dev.longplay.server.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decodes the formats no sound Java decoder covers (Ogg Opus, compressed AIFC, M4A) by running {@code ffmpeg},
 * when it is installed. The file goes in on stdin and 32-bit float WAV comes out on stdout, so no path or other
 * client-chosen string ever reaches the command line; the demuxer is named from what the bytes were recognised as,
 * and only the pipe protocol is allowed, so a playlist-like input cannot make ffmpeg open files or URLs. Output is
 * capped at the decoder's sample limit and the run at {@link #TIMEOUT_SECONDS}.
 */
final class FfmpegDecoder {
    static final long TIMEOUT_SECONDS = 120;
    /** Names the ffmpeg to run instead of the one on PATH (also the environment variable {@code LONGPLAY_FFMPEG}). */
    static final String PROGRAM_PROPERTY = "longplay.ffmpeg";

    static String program() {
        String p = System.getProperty(PROGRAM_PROPERTY);
        return p != null ? p : System.getenv().getOrDefault("LONGPLAY_FFMPEG", "ffmpeg");
    }

    private FfmpegDecoder() {
    }

    /**
     * @param demuxer ffmpeg's name for the container ({@code ogg}, {@code aiff}, {@code mov}), never client input
     * @param what    the format for messages, e.g. "Ogg Opus"
     */
    static DecodedAudio decode(byte[] bytes, String name, String demuxer, String what, AudioContainer container,
                               long maxSamples) throws IOException {
        return decode(bytes, name, demuxer, what, container, maxSamples, TIMEOUT_SECONDS);
    }

    static DecodedAudio decode(byte[] bytes, String name, String demuxer, String what, AudioContainer container,
                               long maxSamples, long timeoutSeconds) throws IOException {
        List<String> cmd = List.of(program(), "-hide_banner", "-nostats", "-loglevel", "error",
                "-protocol_whitelist", "pipe", "-f", demuxer, "-i", "pipe:0",
                "-map", "0:a:0", "-c:a", "pcm_f32le", "-f", "wav", "pipe:1");
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IOException(name + ": reading " + what + " needs ffmpeg, which is not installed"
                    + " (install it, e.g. apt-get install ffmpeg, or set LONGPLAY_FFMPEG to its path)");
        }
        try {
            Thread feeder = daemon(() -> feed(p.getOutputStream(), bytes), "ffmpeg-in");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errors = daemon(() -> drain(p.getErrorStream(), err, 16 * 1024), "ffmpeg-err");
            // A stuck ffmpeg is stopped from outside, which also ends the read of its output below.
            AtomicBoolean timedOut = new AtomicBoolean();
            daemon(() -> {
                try {
                    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                        timedOut.set(true);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "ffmpeg-watchdog");
            long maxBytes = 4096 + maxSamples * 4;
            ByteArrayOutputStream wav = new ByteArrayOutputStream();
            boolean tooLong = !drain(p.getInputStream(), wav, maxBytes);
            if (tooLong) {
                p.destroyForcibly();
                throw new AudioTooLongException(name + " decodes to more than " + maxSamples + " samples");
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || timedOut.get()) {
                throw new IOException(name + ": ffmpeg took longer than " + timeoutSeconds + " s to decode it");
            }
            feeder.join(1000);
            errors.join(1000);
            // At -loglevel error ffmpeg prints only errors: one means damaged input even where it still exits 0.
            if (p.exitValue() != 0 || wav.size() == 0 || err.size() > 0) {
                String msg = err.toString().strip();
                int nl = msg.lastIndexOf('\n');
                throw new IOException(name + ": not a readable " + what + " file (ffmpeg: "
                        + (msg.isEmpty() ? "exit " + p.exitValue() : msg.substring(nl + 1)) + ")");
            }
            WavReader.Audio a = WavReader.decode(ByteBuffer.wrap(wav.toByteArray()), name);
            if (a.frames() == 0) {
                throw new IOException(name + ": " + what + " file holds no audio");
            }
            return new DecodedAudio(a.samples(), a.sampleRate(), container);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while ffmpeg decoded it");
        } finally {
            p.destroyForcibly();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void feed(OutputStream in, byte[] bytes) {
        try (in) {
            in.write(bytes);
        } catch (IOException e) {
            // ffmpeg stopped reading (it failed, or it was stopped): its exit status tells why
        }
    }

    /** Copies at most {@code max} bytes; returns false if there was more (the rest is left unread). */
    private static boolean drain(InputStream in, ByteArrayOutputStream out, long max) {
        byte[] buf = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > max) {
                    return false;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the process ended
        }
        return true;
    }
}
