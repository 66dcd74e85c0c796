package dev.longplay.server.jack;

import dev.longplay.server.io.DataDirs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The native side of {@link JackPlayerClient} ({@code server/src/main/c/longplay_jack.c}): JACK calls its process
 * callback in C, which makes one JNI call with primitive arguments per period into {@code cycle(long frame32, int
 * frames, boolean bbt, boolean rolling, double beat, double bpm)} and moves samples between the ports and two direct
 * buffers made once. So the audio thread allocates nothing, unlike JNA callbacks, which box their arguments.
 */
final class JackShim {

    private static final String RESOURCE = "native/linux-x86_64/liblongplay_jack.so";
    private static volatile String loadError = "not loaded yet";

    private JackShim() {
    }

    /** Loads the shim once; throws with the reason when it cannot (not built, other platform). */
    static synchronized void load() throws JackUnavailableException {
        if (loadError == null) {
            return;
        }
        try {
            URL url = JackShim.class.getResource(RESOURCE);
            if (url == null) {
                throw new JackUnavailableException("the JACK shim was not built for this platform (needs gcc when "
                        + "building; Linux x86-64 only)");
            }
            Path file = "file".equals(url.getProtocol()) ? Path.of(url.toURI()) : extract(url);
            System.load(file.toString());
            loadError = null;
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError e) {
            loadError = e.getMessage();
            throw new JackUnavailableException("the JACK shim did not load: " + e.getMessage());
        }
    }

    /** From the jar to the cache folder, named by content so versions never overwrite a loaded copy. */
    private static Path extract(URL url) throws IOException {
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Files.createDirectories(DataDirs.cache().resolve("native"));
        Path file = dir.resolve("liblongplay_jack-" + hash + ".so");
        if (!Files.exists(file)) {
            Path tmp = Files.createTempFile(dir, "liblongplay_jack", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Opens a client (not activated) with these ports; {@code target.cycle} is called every period once active. */
    static native long open(String clientName, String serverName, String[] outputPorts, String[] inputPorts, int maxFrames,
                            Object target) throws JackUnavailableException;

    static native void activate(long handle) throws JackUnavailableException;

    /** Output ({@code true}) or input samples: float32 in native order, port p's frames at [p * maxFrames, ...). */
    static native ByteBuffer buffer(long handle, boolean output);

    static native int sampleRate(long handle);

    static native int bufferSize(long handle);

    static native String clientName(long handle);

    static native String portName(long handle, boolean output, int index);

    /** jack_connect's result: 0, or EEXIST when already connected, or another error. */
    static native int connect(long handle, String source, String destination);

    static native String[] physicalPlaybackPorts(long handle);

    /** jack_frame_time: the frame time now (32-bit, as a non-negative long). */
    static native long frameTime(long handle);

    static native int xruns(long handle);

    static native void resetXruns(long handle);

    static native float cpuLoad(long handle);

    static native void close(long handle);
}
