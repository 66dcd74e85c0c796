package dev.longplay.server.scaleout;

import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;

import java.io.IOException;

/**
 * How a finished clip gets from a worker to the front server: the JetStream object store (default, nothing to
 * share but the broker) or a folder both machines mount. Either way the audio goes first and the metadata, which
 * marks the clip complete, last; and the name is the job id, so a second render of a job can only replace its clip.
 * As the server's {@link ClipStore.Remote}, {@link #fetch} also brings back a clip evicted from the local store.
 */
interface ClipTransport extends ClipStore.Remote {

    /** Worker side: makes the staged clip available to the servers. */
    void store(String jobId, ClipInfo staged) throws IOException;
}
