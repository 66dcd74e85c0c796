package dev.longplay.server.audio;

/**
 * The kinds of audio file Longplay reads, recognised by their first bytes (never by the file name or a declared
 * MIME type, which clients get wrong).
 */
public enum AudioContainer {
    WAV("WAV"),
    AIFF("AIFF"),
    FLAC("FLAC"),
    OGG("Ogg"),
    MP3("MP3"),
    MP4("MP4/M4A");

    /** What a refusal lists. */
    public static final String SUPPORTED = "WAV, AIFF/AIFC, FLAC, Ogg Vorbis, MP3, and with ffmpeg installed Ogg Opus and M4A";

    private final String label;

    AudioContainer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The container these bytes start with, or null if none Longplay reads. */
    public static AudioContainer sniff(byte[] b) {
        if (b.length >= 12 && (at(b, 0, "RIFF") || at(b, 0, "RF64")) && at(b, 8, "WAVE")) {
            return WAV;
        }
        if (b.length >= 12 && at(b, 0, "FORM") && (at(b, 8, "AIFF") || at(b, 8, "AIFC"))) {
            return AIFF;
        }
        if (b.length >= 4 && at(b, 0, "fLaC")) {
            return FLAC;
        }
        if (b.length >= 4 && at(b, 0, "OggS")) {
            return OGG;
        }
        if (b.length >= 12 && at(b, 4, "ftyp")) {
            return MP4;
        }
        if (b.length >= 3 && at(b, 0, "ID3") || startsWithMpegAudioFrame(b)) {
            return MP3;
        }
        return null;
    }

    // An MPEG-1/2/2.5 Layer III frame header: 11 sync bits, a version and layer that exist, a bitrate index that is
    // neither "free" nor "bad" and a sample-rate index that is not reserved. Checking two consecutive headers
    // would be stronger, but a lone header is how short MP3 files without ID3 tags start.
    private static boolean startsWithMpegAudioFrame(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        int h = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        boolean sync = (h >>> 21) == 0x7FF;
        int version = (h >>> 19) & 3;
        int layer = (h >>> 17) & 3;
        int bitrate = (h >>> 12) & 15;
        int rate = (h >>> 10) & 3;
        return sync && version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3;
    }

    private static boolean at(byte[] b, int offset, String tag) {
        for (int i = 0; i < tag.length(); i++) {
            if (b[offset + i] != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
