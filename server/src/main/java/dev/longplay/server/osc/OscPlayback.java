package dev.longplay.server.osc;

import com.illposed.osc.OSCMessage;
import dev.longplay.osc.OscAddressSpace;
import dev.longplay.osc.OscCommandException;
import dev.longplay.osc.OscErrorCode;
import dev.longplay.osc.OscOptions;
import dev.longplay.osc.OscReplier;
import dev.longplay.osc.OscRequest;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.jack.ClockPosition;
import dev.longplay.server.jack.PlayEnded;
import dev.longplay.server.jack.PlayMode;
import dev.longplay.server.jack.PlayRequest;
import dev.longplay.server.jack.Player;
import dev.longplay.server.jack.PlayerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /play}, {@code /stop} and {@code /clock} over OSC, on the same {@link AudioControl} the HTTP routes use, and
 * {@code /play/end} back to whoever started a playback. Timing is sample-exact: {@code atBeat} goes to the player as a
 * beat, a bundle's timetag or {@code at} becomes a JACK frame time; the dispatcher does not delay these commands.
 */
final class OscPlayback implements AutoCloseable {

    private final AudioControl audio;
    /** Who started each playId that has not ended, for /play/end. */
    private final Map<String, OscReplier> owners = new ConcurrentHashMap<>();
    private final AutoCloseable endSubscription;

    OscPlayback(AudioControl audio) {
        this.audio = audio;
        this.endSubscription = audio.addPlayEndListener(this::ended, () -> { });
    }

    void play(OscRequest r, OscReplier replier) {
        requireJack();
        PlayRequest request = request(r);
        Player.PlayStarted started;
        try {
            // Register first: a short clip can end before play() returns.
            OscReplier previous = owners.put(request.playId(), replier);
            try {
                started = audio.play(request);
            } catch (RuntimeException | IOException e) {
                restore(request.playId(), replier, previous);
                throw e;
            }
        } catch (NoSuchElementException e) {
            throw new OscCommandException(OscErrorCode.E_NOT_FOUND, "no clip " + r.string("clipId"));
        } catch (PlayerException e) {
            throw new OscCommandException(errorOf(e), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/play: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("/play: reading clip " + request.clipId(), e);
        }
        replier.done(r.address(), started.playId(), started.voice(), started.frames(), audio.clock().sampleRate());
    }

    void stop(OscRequest r, OscReplier replier) {
        requireJack();
        String playId = r.string("playId");
        if (!audio.stop(playId)) {
            throw new OscCommandException(OscErrorCode.E_NOT_FOUND, "nothing plays as " + playId);
        }
        replier.done(r.address(), playId);
    }

    void clock(OscReplier replier) {
        requireJack();
        ClockPosition p = audio.clock();
        replier.send(OscAddressSpace.CLOCK_REPLY, p.beat() == null ? -1.0 : p.beat(), p.bpm(), p.source(), p.sampleRate());
    }

    private PlayRequest request(OscRequest r) {
        OscOptions o = r.options();
        PlayMode mode = o.integer("loop").orElse(0) == 1 ? PlayMode.LOOP : PlayMode.ONE_SHOT;
        if (o.string("mode").isPresent()) {
            mode = mode(o.string("mode").get());
        }
        Double atBeat = o.number(OscAddressSpace.OPT_AT_BEAT).isPresent() ? o.number(OscAddressSpace.OPT_AT_BEAT).getAsDouble() : null;
        Long atFrame = atBeat == null ? r.due().map(audio::frameAt).orElse(null) : null;
        try {
            return new PlayRequest(r.string("playId"), r.string("clipId"), atFrame, atBeat, mode, boxed(o, "gain"),
                    boxed(o, "fade"), boxed(o, "gateBeats"), boxed(o, "gateSeconds"));
        } catch (IllegalArgumentException e) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/play: " + e.getMessage());
        }
    }

    private static PlayMode mode(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "oneshot" -> PlayMode.ONE_SHOT;
            case "loop" -> PlayMode.LOOP;
            case "gate" -> PlayMode.GATE;
            default -> throw new OscCommandException(OscErrorCode.E_BAD_ARG, "/play: mode must be oneshot, loop or gate, not " + name);
        };
    }

    private static Double boxed(OscOptions o, String key) {
        return o.number(key).isPresent() ? o.number(key).getAsDouble() : null;
    }

    private void requireJack() {
        if (!audio.jackAvailable()) {
            throw new OscCommandException(OscErrorCode.E_NO_AUDIO, "the server is not running as a JACK client (start it with --jack)");
        }
    }

    private void restore(String playId, OscReplier mine, OscReplier previous) {
        if (previous == null) {
            owners.remove(playId, mine);
        } else {
            owners.replace(playId, mine, previous);
        }
    }

    private static OscErrorCode errorOf(PlayerException e) {
        return switch (e.code()) {
            case "jack_unavailable" -> OscErrorCode.E_NO_AUDIO;
            case "no_free_voice", "player_busy" -> OscErrorCode.E_QUEUE_FULL;
            default -> OscErrorCode.E_INTERNAL;
        };
    }

    /** On the player's drain thread: tell the owner; a replaced playId keeps its new owner. */
    private void ended(PlayEnded e) {
        OscReplier owner = "replaced".equals(e.reason()) ? owners.get(e.playId()) : owners.remove(e.playId());
        if (owner != null) {
            owner.notify(new OSCMessage(OscAddressSpace.PLAY_END, OscReplier.wire(e.playId(), e.clipId(), e.reason(), e.voice())));
        }
    }

    @Override
    public void close() throws Exception {
        endSubscription.close();
    }
}
