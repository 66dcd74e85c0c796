package dev.longplay.server.jack;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import org.jaudiolibs.jnajack.JackClient;

/**
 * The libjack calls the process callback makes, bound by JNA direct mapping: jnajack's interface-mapped calls box
 * their arguments and its transport query fills an EnumSet, which would allocate on the audio thread every period.
 * Also {@code setenv}, to pick a named JACK server (jnajack drops jack_client_open's server-name argument).
 */
final class JackNative {

    /** jack_position_t (packed, from jack/types.h): offsets of the fields read here. */
    static final int POSITION_BYTES = 136;
    static final int POS_VALID = 24;
    static final int POS_BAR = 28;
    static final int POS_BEAT = 32;
    static final int POS_TICK = 36;
    static final int POS_BEATS_PER_BAR = 48;
    static final int POS_TICKS_PER_BEAT = 56;
    static final int POS_BPM = 64;
    static final int POSITION_BBT = 0x10;
    static final int TRANSPORT_ROLLING = 1;

    static {
        Native.register(JackNative.class, NativeLibrary.getInstance("jack"));
    }

    private JackNative() {
    }

    static native int jack_last_frame_time(Pointer client);

    /** JACK's estimate of the frame time now (interpolated within the period), for mapping wall-clock times. */
    static native int jack_frame_time(Pointer client);

    static native int jack_transport_query(Pointer client, Pointer position);

    static native float jack_cpu_load(Pointer client);

    /** libjack reads JACK_DEFAULT_SERVER when a client opens; setting it in-process selects the server. */
    static void selectServer(String name) {
        LibC.setenv("JACK_DEFAULT_SERVER", name, 1);
    }

    /** The jack_client_t* behind a jnajack client (jnajack keeps it in a package-private field). */
    static Pointer handle(JackClient client) {
        try {
            var f = JackClient.class.getDeclaredField("clientPtr");
            f.setAccessible(true);
            return ((PointerType) f.get(client)).getPointer();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this jnajack version hides its client handle differently", e);
        }
    }

    static Memory position() {
        Memory m = new Memory(POSITION_BYTES);
        m.clear();
        return m;
    }

    static final class LibC {
        static {
            Native.register(LibC.class, "c");
        }

        private LibC() {
        }

        static native int setenv(String name, String value, int overwrite);
    }
}
