package dev.longplay.server.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Ogg Vorbis through JOrbis, in float as Vorbis decodes. The first logical stream is read to its end-of-stream
 * page and cut to the last page's granule position, which is how Vorbis marks where the audio really ends inside its
 * final block. Other codecs in Ogg (Opus, FLAC) are reported as {@link UnsupportedCodec} for ffmpeg to read.
 */
final class VorbisDecoder {
    private static final int CHUNK = 64 * 1024;

    /** An Ogg stream that is not Vorbis. */
    static final class UnsupportedCodec extends IOException {
        /** The format for messages, e.g. "Ogg Opus". */
        final String what;

        UnsupportedCodec(String what, String name) {
            super(name + ": " + what);
            this.what = what;
        }
    }

    private VorbisDecoder() {
    }

    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        Reader r = new Reader(bytes, name);
        Info info = new Info();
        Comment comment = new Comment();
        info.init();
        comment.init();
        Page page = new Page();
        Packet packet = new Packet();
        if (!r.nextPage(page)) {
            throw new IOException(name + ": no Ogg page found");
        }
        StreamState stream = new StreamState();
        int serial = page.serialno();
        stream.init(serial);
        stream.pagein(page);
        if (stream.packetout(packet) != 1) {
            throw new IOException(name + ": the first Ogg page holds no packet");
        }
        if (info.synthesis_headerin(comment, packet) < 0) {
            throw otherCodec(packet, name);
        }
        int headers = 1;
        while (headers < 3) {
            int got = stream.packetout(packet);
            if (got == 0) {
                if (!r.nextPage(page)) {
                    throw new IOException(name + ": Ogg Vorbis file is truncated inside its headers");
                }
                stream.pagein(page);
                continue;
            }
            if (got > 0 && headers == 1 && !commentsFit(packet)) {
                throw new IOException(name + ": Ogg Vorbis comment header is damaged (a length runs past its end)");
            }
            if (got < 0 || info.synthesis_headerin(comment, packet) < 0) {
                throw new IOException(name + ": Ogg Vorbis header " + (headers + 1) + " is damaged");
            }
            headers++;
        }
        if (info.channels < 1 || info.channels > 8 || info.rate < 1000 || info.rate > 768000) {
            throw new IOException(name + ": Ogg Vorbis stream has " + info.channels + " channels at " + info.rate + " Hz");
        }
        DspState dsp = new DspState();
        dsp.synthesis_init(info);
        Block block = new Block(dsp);
        SampleAccumulator out = new SampleAccumulator(info.channels, maxSamples, name);
        float[][][] pcm = new float[1][][];
        int[] index = new int[info.channels];
        long granule = -1;
        boolean ended = false;
        while (!ended) {
            int got = stream.packetout(packet);
            if (got == 0) {
                if (!r.nextPage(page)) {
                    break;
                }
                if (page.serialno() != serial) {
                    continue; // another logical stream interleaved (rare): not ours
                }
                stream.pagein(page);
                if (page.granulepos() >= 0) {
                    granule = page.granulepos();
                }
                ended = page.eos() != 0;
                continue;
            }
            if (got < 0) {
                throw new IOException(name + ": Ogg Vorbis stream is damaged (a packet is missing)");
            }
            if (block.synthesis(packet) == 0) {
                dsp.synthesis_blockin(block);
            }
            drain(dsp, pcm, index, out);
        }
        // Packets of the last page, read after its end-of-stream flag was seen.
        while (stream.packetout(packet) == 1) {
            if (block.synthesis(packet) == 0) {
                dsp.synthesis_blockin(block);
            }
            drain(dsp, pcm, index, out);
        }
        if (!ended) {
            throw new IOException(name + ": Ogg Vorbis file is truncated (no end-of-stream page)");
        }
        if (granule >= 0 && granule < out.frames()) {
            out.truncate((int) granule);
        }
        if (out.frames() == 0) {
            throw new IOException(name + ": Ogg Vorbis file holds no audio");
        }
        return new DecodedAudio(out.toArrays(), info.rate, AudioContainer.OGG);
    }

    private static void drain(DspState dsp, float[][][] pcm, int[] index, SampleAccumulator out) throws IOException {
        int n;
        while ((n = dsp.synthesis_pcmout(pcm, index)) > 0) {
            out.reserve(n);
            for (int c = 0; c < out.channelCount(); c++) {
                float[] ch = pcm[0][c];
                int at = index[c];
                for (int i = 0; i < n; i++) {
                    out.put(c, i, ch[at + i]);
                }
            }
            out.advance(n);
            dsp.synthesis_read(n);
        }
    }

    /**
     * Whether every length in the comment header (vendor, count, each comment) fits inside the packet. JOrbis
     * allocates what they say before reading, so a few hostile bytes could ask it for gigabytes.
     */
    static boolean commentsFit(Packet p) {
        int end = p.packet + p.bytes;
        int at = p.packet + 7; // packet type 3 and "vorbis"
        if (at + 4 > end) {
            return true; // too short to hold a length: JOrbis refuses it without allocating
        }
        long vendor = u32(p.packet_base, at);
        at += 4;
        if (vendor > end - at - 4) {
            return false;
        }
        at += (int) vendor;
        long count = u32(p.packet_base, at);
        at += 4;
        if (count > (end - at) / 4) {
            return false;
        }
        for (long i = 0; i < count; i++) {
            long length = u32(p.packet_base, at);
            at += 4;
            if (length > end - at) {
                return false;
            }
            at += (int) length;
            if (i + 1 < count && at + 4 > end) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static IOException otherCodec(Packet p, String name) {
        String head = new String(p.packet_base, p.packet, Math.min(8, p.bytes), StandardCharsets.ISO_8859_1);
        if (head.startsWith("OpusHead")) {
            return new UnsupportedCodec("Ogg Opus", name);
        }
        if (head.startsWith("\u007fFLAC")) {
            return new UnsupportedCodec("Ogg FLAC", name);
        }
        return new IOException(name + ": an Ogg file, but not Vorbis, Opus or FLAC");
    }

    /** Feeds the Ogg sync layer from memory, a chunk at a time, and hands out pages. */
    private static final class Reader {
        private final byte[] bytes;
        private final String name;
        private final SyncState sync = new SyncState();
        private int fed;

        Reader(byte[] bytes, String name) {
            this.bytes = bytes;
            this.name = name;
            sync.init();
        }

        /** The next page, or false at the end of the input; a gap in the page sequence is an error. */
        boolean nextPage(Page page) throws IOException {
            while (true) {
                int got = sync.pageout(page);
                if (got == 1) {
                    return true;
                }
                if (got < 0) {
                    throw new IOException(name + ": Ogg stream is damaged (bytes between pages that are not a page)");
                }
                if (fed >= bytes.length) {
                    return false;
                }
                int n = Math.min(CHUNK, bytes.length - fed);
                int at = sync.buffer(n);
                System.arraycopy(bytes, fed, sync.data, at, n);
                sync.wrote(n);
                fed += n;
            }
        }
    }
}
