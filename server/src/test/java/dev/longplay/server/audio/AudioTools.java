package dev.longplay.server.audio;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** sox and ffmpeg, the reference tools the audio tests make fixtures with and compare against. */
public final class AudioTools {

    private AudioTools() {
    }

    public static boolean installed(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    public static void assumeSoxAndFfmpeg() {
        Assumptions.assumeTrue(installed("sox") && installed("ffmpeg"), "sox and ffmpeg are not installed");
    }

    /** Runs a command, failing with its output if it fails; returns stdout. */
    public static byte[] run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> copy(p.getErrorStream(), err));
        t.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(p.getInputStream(), out);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " took too long");
        }
        t.join();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + err);
        }
        return out.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** ffmpeg's own decode of a file as planar floats, {@code channels} interleaved in its f32le output. */
    public static float[][] ffmpegDecode(Path file, int channels) throws IOException, InterruptedException {
        byte[] raw = run("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "f32le", "-c:a", "pcm_f32le", "-");
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int frames = raw.length / 4 / channels;
        float[][] out = new float[channels][frames];
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = b.getFloat();
            }
        }
        return out;
    }

    /** sox's decode (libvorbisfile, libFLAC, libmad, …) as planar floats. */
    public static float[][] soxDecode(Path file, int channels) throws IOException, InterruptedException {
        byte[] raw = run("sox", file.toString(), "-t", "f32", "-e", "floating-point", "-b", "32", "-L", "-");
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int frames = raw.length / 4 / channels;
        float[][] out = new float[channels][frames];
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = b.getFloat();
            }
        }
        return out;
    }

    /** A command line from words, for readability at the call site. */
    static String[] cmd(String line, Path... files) {
        List<String> words = new ArrayList<>();
        int f = 0;
        for (String w : line.split(" ")) {
            words.add(w.equals("%") ? files[f++].toString() : w);
        }
        return words.toArray(String[]::new);
    }
}
