package dev.longplay.models.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The TorchScript archive of a weightless module from its class source, written here rather than shipped so that no
 * torch version's serializer is baked in: libtorch compiles the source when it loads the archive, so whichever
 * libtorch runs resolves the ops to its own kernels.
 *
 * <p>Layout (TorchScript file format version 3, which libtorch 1.x and 2.x read; all entries stored uncompressed under
 * one folder): {@code version}; {@code code/__torch__.py}, the class source; {@code data.pkl}, a pickle (protocol 2) of
 * the module object: class {@code __torch__.<name>} with its one attribute {@code training = False};
 * {@code constants.pkl}, an empty tuple. The class source must declare {@code training : bool} and no parameters or
 * buffers: tensors reach such a module only as arguments.
 */
final class ScriptArchive {

    /** The format version in the archive's {@code version} record. */
    static final int FILE_FORMAT_VERSION = 3;

    private ScriptArchive() {
    }

    /** The archive of class {@code className} (a Python identifier) with {@code source}, under {@code folder}. */
    static byte[] of(String folder, String className, String source) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*") || !folder.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not an identifier: " + folder + " / " + className);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            // libtorch's reader takes the archive's folder from the first entry's name
            stored(zip, folder + "/version", (FILE_FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
            stored(zip, folder + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, folder + "/data.pkl", modulePickle(className));
            stored(zip, folder + "/constants.pkl", new byte[]{(byte) 0x80, 2, ')', '.'});
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // writing to memory: not expected
        }
        return out.toByteArray();
    }

    // PROTO 2; GLOBAL __torch__ <class>; EMPTY_TUPLE; NEWOBJ; EMPTY_DICT; MARK; "training"; NEWFALSE; SETITEMS;
    // BUILD; STOP — the object libtorch's unpickler rebuilds as the module (memo puts as torch writes them)
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[]{'q', 0, ')', (byte) 0x81, '}', '('});
        byte[] name = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[]{(byte) name.length, 0, 0, 0});
        p.writeBytes(name);
        p.writeBytes(new byte[]{'q', 1, (byte) 0x89, 'u', 'b', 'q', 2, '.'});
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(946684800000L);  // a fixed time (2000-01-01): the same bytes on every run
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
