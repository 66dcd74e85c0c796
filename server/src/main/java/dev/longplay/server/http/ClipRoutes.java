package dev.longplay.server.http;

import dev.longplay.server.audio.ClipDownloadFormat;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadRefusedException;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /v1/clips} (list, download with ranges or as FLAC, metadata, delete) and {@code /v1/uploads}. */
final class ClipRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ClipRoutes.class);

    private final ClipStore clips;
    private final UploadStore uploads;

    ClipRoutes(ClipStore clips, UploadStore uploads) {
        this.clips = clips;
        this.uploads = uploads;
    }

    List<Route> routes() {
        return List.of(
                Route.read("/v1/clips", this::list),
                Route.read("/v1/clips/{id}", this::clip),
                Route.write("DELETE", "/v1/clips/{id}", this::delete),
                Route.read("/v1/clips/{id}/meta", this::meta),
                Route.write("POST", "/v1/uploads", this::upload));
    }

    /** {@code GET /v1/clips?offset=0&limit=50}: stored clips, newest first, each with its metadata. */
    private void list(Exchange x) throws IOException {
        int limit = x.intQuery("limit", 50, 1, Exchange.MAX_PAGE);
        int offset = x.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        List<ClipInfo> all = clips.list();
        List<Map<String, Object>> page = new ArrayList<>();
        int from = Math.min(offset, all.size());
        for (ClipInfo c : all.subList(from, (int) Math.min(all.size(), (long) from + limit))) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", c.id());
            item.put("createdAt", c.created());
            item.put("bytes", c.bytes());
            item.put("url", "/v1/clips/" + c.id());
            try {
                item.put("meta", Json.MAPPER.readTree(ClipStore.readMeta(c)));
            } catch (IOException e) {
                continue; // deleted or evicted since the listing was taken
            }
            page.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clips", page);
        body.put("total", all.size());
        body.put("offset", offset);
        body.put("limit", limit);
        x.json(200, body);
    }

    /** The clip's WAV, whole or one byte range (206), streamed from the file; or FLAC when asked for. */
    private void clip(Exchange x) throws IOException {
        ClipInfo clip = clips.get(x.param(0)).orElseThrow(() -> notFound(x.param(0)));
        SeekableByteChannel channel;
        try {
            channel = ClipStore.openAudio(clip);
        } catch (NoSuchFileException e) {
            throw notFound(x.param(0)); // evicted or deleted since the lookup
        } catch (IOException e) {
            // O_NOFOLLOW refused a link put in the clip's place (ELOOP), or the file is unreadable.
            LOG.warn("clip {} cannot be opened as a plain file: {}", clip.id(), e.getMessage());
            throw notFound(x.param(0));
        }
        try {
            if (flacWanted(x)) {
                flac(x, clip, channel);
                return;
            }
            long size = channel.size();
            long[] range = ByteRange.parse(x.request().getHeaders().get(HttpHeader.RANGE), size);
            Response response = x.response();
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "audio/wav");
            response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "inline; filename=\"" + clip.id() + ".wav\"");
            long start = 0;
            long length = size;
            if (range != null) {
                start = range[0];
                length = range[1] - range[0] + 1;
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
            } else {
                response.setStatus(200);
            }
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            ByteBufferPool.Sized pool = new ByteBufferPool.Sized(x.request().getComponents().getByteBufferPool(), false, 64 * 1024);
            Content.copy(Content.Source.from(pool, channel, start, length), response, x.callback());
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    private static boolean flacWanted(Exchange x) {
        return ClipDownloadFormat.of(x.query().getValue("format"), x.request().getHeaders().get(HttpHeader.ACCEPT))
                == ClipDownloadFormat.FLAC; // an unknown format: IllegalArgumentException, a 400
    }

    /** The clip encoded as FLAC on the fly (whole, so without ranges). */
    private static void flac(Exchange x, ClipInfo clip, SeekableByteChannel channel) throws IOException {
        ByteBuffer wav;
        try (channel) {
            wav = ByteBuffer.allocate((int) Math.min(channel.size(), Integer.MAX_VALUE - 8));
            while (wav.hasRemaining() && channel.read(wav) >= 0) {
                // read the whole file
            }
        }
        byte[] flac = ClipDownloadFormat.flacOf(wav.flip(), clip.id());
        x.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "inline; filename=\"" + clip.id() + ".flac\"");
        x.bytes(200, "audio/flac", flac);
    }

    private void delete(Exchange x) throws IOException {
        if (!clips.delete(x.param(0))) {
            throw notFound(x.param(0));
        }
        x.empty(204);
    }

    private void meta(Exchange x) {
        ClipInfo clip = clips.get(x.param(0)).orElseThrow(() -> notFound(x.param(0)));
        byte[] meta;
        try {
            meta = ClipStore.readMeta(clip);
        } catch (NoSuchFileException e) {
            throw notFound(x.param(0));
        } catch (IOException e) {
            LOG.warn("clip {} metadata cannot be opened as a plain file: {}", clip.id(), e.getMessage());
            throw notFound(x.param(0));
        }
        x.bytes(200, "application/json", meta);
    }

    /** An audio file streamed to disk, never held whole (UploadStore checks it and enforces its caps): 201 with its id; refusals are mapped by {@link ApiErrors}. */
    private void upload(Exchange x) throws IOException, UploadRefusedException {
        RequestBodies.requireContentType(x.request(), UploadStore.CONTENT_TYPES.toArray(String[]::new));
        String id;
        try (InputStream in = Content.Source.asInputStream(x.request())) {
            id = uploads.save(in, x.request().getLength()); // -1: length not declared
        }
        x.json(201, Map.of("id", id));
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "clip_not_found", "no clip " + id);
    }
}
