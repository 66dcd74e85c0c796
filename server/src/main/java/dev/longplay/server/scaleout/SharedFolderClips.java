package dev.longplay.server.scaleout;

import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Clips through a folder every worker and the server mount (NFS, SMB, a bind mount): no clip bytes through the
 * broker. The server moves each clip into its own store and deletes the shared copy (so a clip evicted from the
 * server's store is gone: keep the store's limit large, or use the object store).
 */
final class SharedFolderClips implements ClipTransport {

    private final Path dir;

    SharedFolderClips(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public void store(String jobId, ClipInfo staged) throws IOException {
        AtomicFiles.write(dir.resolve(Subjects.clipAudio(jobId)), false, out -> Files.copy(staged.audio(), out));
        AtomicFiles.write(dir.resolve(Subjects.clipMeta(jobId)), false, out -> Files.copy(staged.meta(), out));
    }

    @Override
    public boolean fetch(String jobId, ClipStore into) throws IOException {
        Path wav = dir.resolve(Subjects.clipAudio(jobId));
        Path meta = dir.resolve(Subjects.clipMeta(jobId));
        byte[] json;
        try {
            json = Files.readAllBytes(meta);
        } catch (NoSuchFileException e) {
            return false;
        }
        into.put(jobId, out -> Files.copy(wav, out), json);
        Files.deleteIfExists(meta);
        Files.deleteIfExists(wav);
        return true;
    }

    @Override
    public boolean delete(String jobId) throws IOException {
        boolean had = Files.deleteIfExists(dir.resolve(Subjects.clipMeta(jobId)));
        Files.deleteIfExists(dir.resolve(Subjects.clipAudio(jobId)));
        return had;
    }
}
