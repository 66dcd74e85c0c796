package dev.longplay.server.http;

import dev.longplay.server.bridge.BridgeMessages;
import dev.longplay.server.jack.CaptureRequest;
import dev.longplay.server.jack.PlayRequest;
import dev.longplay.server.live.AudioControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The audio edges: {@code /v1/play} (JACK playback, its clock and end events), {@code /v1/capture} and the plugin
 * bridge {@code /v1/bridge}. They answer 503 until the server attaches its {@link AudioControl}.
 */
final class AudioRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AudioRoutes.class);

    private volatile AudioControl audio; // null until the server's audio edges are attached

    void attach(AudioControl audio) {
        this.audio = audio;
    }

    List<Route> routes() {
        return List.of(
                Route.write("POST", "/v1/play", x -> answer(x, 200, a -> a.play(x.jsonBody(PlayRequest.class)))),
                Route.write("POST", "/v1/play/{id}/stop", x -> answer(x, 200, a -> found(a.stop(x.param(0)), "play", x.param(0)))),
                Route.read("/v1/play/clock", x -> answer(x, 200, AudioControl::clock)),
                Route.read("/v1/play/events", this::playEvents),
                Route.write("POST", "/v1/capture", x -> answer(x, 202, a -> a.capture(x.jsonBody(CaptureRequest.class), x.peerKey()))),
                Route.write("POST", "/v1/bridge/attach", x -> answer(x, 201, a -> {
                    BridgeMessages.Attach m = x.jsonBody(BridgeMessages.Attach.class);
                    return a.bridge().attach(m.instanceId(), m.sampleRate(), m.capacityFrames());
                })),
                Route.read("/v1/bridge/{id}", x -> answer(x, 200, a -> a.bridge().info(x.param(0)).orElseThrow(() -> notFound("instance", x.param(0))))),
                Route.write("POST", "/v1/bridge/{id}/send", x -> answer(x, 202, a -> a.bridge().send(x.param(0),
                        x.jsonBody(BridgeMessages.Send.class).clipId()))),
                Route.write("POST", "/v1/bridge/{id}/transport", x -> answer(x, 200, a -> {
                    BridgeMessages.Transport t = x.jsonBody(BridgeMessages.Transport.class);
                    return a.hostTransport(x.param(0), t.tempo(), t.ppq(), t.playing());
                })),
                Route.write("DELETE", "/v1/bridge/{id}", x -> answer(x, 200, a -> found(a.bridge().detach(x.param(0)), "instance", x.param(0)))));
    }

    @FunctionalInterface
    private interface AudioCall {
        Object apply(AudioControl audio) throws Exception;
    }

    /** The call's result as JSON with {@code status}; its refusals are mapped by {@link ApiErrors}. */
    private void answer(Exchange x, int status, AudioCall call) throws Exception {
        x.json(status, call.apply(audio()));
    }

    private AudioControl audio() {
        AudioControl a = audio;
        if (a == null) {
            throw new ApiException(503, "audio_unavailable", "the audio edges are not running on this server");
        }
        return a;
    }

    /** Server-Sent Events: one {@code play_end} event per finished playback, for as long as the client listens. */
    private void playEvents(Exchange x) {
        AudioControl a = audio();
        AutoCloseable[] sub = new AutoCloseable[1];
        SseStream stream = new SseStream(x, () -> {
            try {
                sub[0].close();
            } catch (Exception e) {
                LOG.warn("closing a /play/end subscription failed", e);
            }
        });
        sub[0] = a.addPlayEndListener(e -> stream.send(SseStream.event("play_end", e), false), () -> stream.send(": audio stopped\n\n", true));
        stream.start(": " + (a.jackAvailable() ? "play_end events follow" : "JACK is off: no playback events") + "\n\n", false);
    }

    private static Map<String, Object> found(boolean ok, String what, String id) {
        if (!ok) {
            throw notFound(what, id);
        }
        return Map.of("id", id, "ok", true);
    }

    private static ApiException notFound(String what, String id) {
        return new ApiException(404, what + "_not_found", "no " + what + " " + id);
    }
}
