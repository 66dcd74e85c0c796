package dev.longplay.server.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rewrites one packet of a single-stream Ogg file and pages it again, checksums included, as a crafted file would. */
final class OggRepacker {
    private OggRepacker() {
    }

    static byte[] withPacket(byte[] ogg, int index, byte[] replacement) {
        SyncState sync = new SyncState();
        sync.init();
        int at = sync.buffer(ogg.length);
        System.arraycopy(ogg, 0, sync.data, at, ogg.length);
        sync.wrote(ogg.length);
        Page page = new Page();
        StreamState in = null;
        List<byte[]> bodies = new ArrayList<>();
        List<Long> granules = new ArrayList<>();
        int serial = 0;
        Packet p = new Packet();
        while (sync.pageout(page) == 1) {
            if (in == null) {
                serial = page.serialno();
                in = new StreamState();
                in.init(serial);
            }
            in.pagein(page);
            while (in.packetout(p) == 1) {
                bodies.add(Arrays.copyOfRange(p.packet_base, p.packet, p.packet + p.bytes));
                granules.add(p.granulepos);
            }
        }
        bodies.set(index, replacement);
        StreamState out = new StreamState();
        out.init(serial);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < bodies.size(); i++) {
            Packet q = new Packet();
            q.packet_base = bodies.get(i);
            q.packet = 0;
            q.bytes = bodies.get(i).length;
            q.b_o_s = i == 0 ? 1 : 0;
            q.e_o_s = i == bodies.size() - 1 ? 1 : 0;
            q.granulepos = granules.get(i);
            q.packetno = i;
            out.packetin(q);
            // The headers end their pages (the first alone, the other two together), as encoders write them.
            while (i == 0 || i == 2 || i == bodies.size() - 1 ? out.flush(page) != 0 : out.pageout(page) != 0) {
                file.write(page.header_base, page.header, page.header_len);
                file.write(page.body_base, page.body, page.body_len);
            }
        }
        return file.toByteArray();
    }
}
