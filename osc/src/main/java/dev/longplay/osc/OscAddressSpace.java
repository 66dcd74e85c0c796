package dev.longplay.osc;

import dev.longplay.osc.OscAddressDef.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.longplay.osc.OscArgSpec.optional;
import static dev.longplay.osc.OscArgSpec.required;
import static dev.longplay.osc.OscArgType.FLOAT;
import static dev.longplay.osc.OscArgType.INT;
import static dev.longplay.osc.OscArgType.STRING;
import static dev.longplay.osc.OscErrorCode.E_AUTH;
import static dev.longplay.osc.OscErrorCode.E_BAD_ARG;
import static dev.longplay.osc.OscErrorCode.E_CANCELLED;
import static dev.longplay.osc.OscErrorCode.E_NOT_FOUND;
import static dev.longplay.osc.OscErrorCode.E_NO_AUDIO;
import static dev.longplay.osc.OscErrorCode.E_NO_MODEL;
import static dev.longplay.osc.OscErrorCode.E_OOM;
import static dev.longplay.osc.OscErrorCode.E_QUEUE_FULL;

/**
 * Longplay's OSC namespace as data: the one definition that validation, docs/osc.md ({@link OscDocs}) and
 * OSCQuery ({@link OscQuery}) are all derived from.
 */
public final class OscAddressSpace {
    public static final String NOTIFY = "/notify";
    public static final String AUTH = "/auth";
    public static final String STATUS = "/status";
    public static final String SYNC = "/sync";
    public static final String VERSION = "/version";
    public static final String GEN_TEXT = "/gen/text";
    public static final String GEN_A2A = "/gen/a2a";
    public static final String GEN_INPAINT = "/gen/inpaint";
    public static final String GEN_CONTINUE = "/gen/continue";
    public static final String GEN_LOOP = "/gen/loop";
    public static final String GEN_SFX = "/gen/sfx";
    public static final String GEN_PRESET = "/gen/preset";
    public static final String GEN_CANCEL = "/gen/cancel";
    public static final String CLIP_INFO = "/clip/info";
    public static final String CLIP_LIST = "/clip/list";
    public static final String CLIP_FREE = "/clip/free";
    public static final String CLIP_LOAD_SC = "/clip/load_sc";
    public static final String PRESET_LIST = "/preset/list";
    public static final String PLAY = "/play";
    public static final String STOP = "/stop";
    public static final String CLOCK = "/clock";

    public static final String DONE = "/done";
    public static final String FAIL = "/fail";
    public static final String STATUS_REPLY = "/status.reply";
    public static final String SYNCED = "/synced";
    public static final String VERSION_REPLY = "/version.reply";
    public static final String GEN_PROGRESS = "/gen/progress";
    public static final String CLIP_LIST_ITEM = "/clip/list.item";
    public static final String PRESET_LIST_ITEM = "/preset/list.item";
    public static final String CLOCK_REPLY = "/clock.reply";
    public static final String PLAY_END = "/play/end";
    public static final String B_ALLOC_READ = "/b_allocRead";

    /** Version of this namespace, sent in {@code /version.reply}; raised on incompatible changes. */
    public static final int PROTOCOL_VERSION = 1;

    /** Option keys the transport itself acts on (timing), beside passing them on in the request. */
    public static final String OPT_AT = "at";
    public static final String OPT_AT_BEAT = "atBeat";

    private static final OscArgSpec REQ_ID = required("reqId", INT,
            "Your number for this request; echoed in /gen/progress, /done and /fail.").range(0, Integer.MAX_VALUE);
    private static final OscArgSpec PROMPT = required("prompt", STRING, "What to generate, in words.");
    private static final OscArgSpec SECONDS = required("seconds", FLOAT, "Length of the clip in seconds.").range(0.1, 600);
    private static final OscArgSpec AUDIO_PATH = required("path", STRING,
            "Absolute path of an audio file (WAV) on the server's machine, inside its allowed folders.");
    private static final OscArgSpec CLIP_ID = required("clipId", STRING, "A clip id from a /done reply or /clip/list.");
    private static final OscArgSpec COMMAND = required("command", STRING, "The address of the command answered.");
    private static final OscArgSpec PLAY_ID = required("playId", STRING,
            "Your name for this playback (1-64 of A-Z a-z 0-9 . _ -), used by /stop and /play/end.");

    private static final List<OscArgSpec> TIMING = List.of(
            optional(OPT_AT, FLOAT, "Carry the command out this many seconds after it arrives "
                    + "(for clients whose bundles are immediate, such as Pd).").range(0, 86_400),
            optional(OPT_AT_BEAT, FLOAT, "Carry the command out at this beat of the server's beat clock "
                    + "(E_BAD_ARG when the server has none).").range(0, 1e9));
    private static final List<OscArgSpec> GEN_OPTIONS = concat(List.of(
            optional("seed", INT, "Random seed; the same seed and settings give the same clip.").range(0, Integer.MAX_VALUE),
            optional("steps", INT, "Sampler steps.").range(1, 1000),
            optional("cfg", FLOAT, "Classifier-free guidance scale.").range(0, 50),
            optional("sampler", STRING, "Sampler name: dpmpp-3m-sde, dpmpp-2m, k-euler (v models); pingpong, rf-euler"
                    + " (rectified flow); euler = the Euler sampler of the model's kind."),
            optional("negative", STRING, "Negative prompt."),
            optional("preset", STRING, "Start from this preset's settings (see /preset/list)."),
            optional("lora", STRING, "Stable Audio 3 models: LoRA adapters from the server's LoRA folder, stacked in order: "
                    + "name[:strength][,name[:strength]...] (strength default 1)."),
            optional("priority", INT, "Queue priority; higher runs first, default 0.").range(-10, 10)), TIMING);
    private static final List<OscArgSpec> A2A_OPTIONS = concat(GEN_OPTIONS, List.of(
            optional("initNoiseLevel", FLOAT, "How far from the input audio the sampler starts, in the model's units "
                    + "(as the HTTP field and the CLI's --init-noise-level): flow time for rectified-flow models (1 ignores "
                    + "the input, default 0.8), sigma for v models (default 3); lower keeps more.").range(0, 1000),
            optional("strength", FLOAT, "Old name of initNoiseLevel, still accepted: the same number, limited to 0 to 1 "
                    + "(0 is read as 0.001). Give one of the two.").range(0, 1)));
    private static final List<OscArgSpec> PRESET_OPTIONS = concat(GEN_OPTIONS, List.of(
            optional("prompt", STRING, "Replace the preset's prompt."),
            optional("seconds", FLOAT, "Replace the preset's length.").range(0.1, 600)));

    private static final List<OscArgSpec> PLAY_OPTIONS = concat(TIMING, List.of(
            optional("mode", STRING, "oneshot (default), loop, or gate (needs gateBeats or gateSeconds)."),
            optional("loop", INT, "1: same as mode loop.").range(0, 1),
            optional("gain", FLOAT, "Linear gain, default 1.").range(0, 4),
            optional("fade", FLOAT, "Fade in, and out on stop, in milliseconds (default 5).").range(0, 1000),
            optional("gateBeats", FLOAT, "For mode gate: beats the gate stays open.").range(0, 1024),
            optional("gateSeconds", FLOAT, "For mode gate: seconds the gate stays open.").range(0, 3600)));

    /**
     * Commands whose handler turns the due time (timetag, at, atBeat) into a sample-exact start itself, so the
     * dispatcher hands them over at once instead of scheduling them to the millisecond.
     */
    private static final Set<String> TIMED_BY_HANDLER = Set.of(PLAY);

    private static final OscReplyForm GEN_DONE = new OscReplyForm(DONE, List.of(COMMAND, REQ_ID,
            required("clipId", STRING, "Id of the new clip."),
            required("path", STRING, "Absolute path of the clip's WAV file."),
            required("frames", INT, "Length in sample frames."),
            required("channels", INT, "Channel count."),
            required("sampleRate", INT, "Sample rate in Hz."),
            required("seed", INT, "The seed used (repeat it with the seed option).")), "The clip is ready.");
    private static final OscReplyForm GEN_FAIL = new OscReplyForm(FAIL, List.of(COMMAND,
            required("code", STRING, "A stable error code."), required("message", STRING, "What went wrong."),
            required("reqId", INT, "The request's reqId.")), "The job failed or was cancelled.");
    private static final OscReplyForm GEN_PROGRESS_FORM = new OscReplyForm(GEN_PROGRESS, List.of(REQ_ID,
            required("fraction", FLOAT, "Overall progress, 0 to 1."),
            required("step", INT, "Current step of this stage."),
            required("total", INT, "Steps in this stage."),
            required("stage", STRING, "queued, loading_model, conditioning, encoding, window (a clip longer than the"
                    + " model's window: step = windows done of total), sampling, decoding or writing: the words HTTP"
                    + " and SSE progress use.")), "Sent while the job runs.");
    private static final List<OscErrorCode> GEN_ERRORS = List.of(E_BAD_ARG, E_QUEUE_FULL, E_NO_MODEL, E_OOM, E_CANCELLED);

    private static final List<OscAddressDef> ALL = List.of(
            command(NOTIFY, "Register (1) or unregister (0) for replies and notifications, scsynth-style. "
                            + "Max and Pd cannot receive on their sending socket: give replyPort and every reply to "
                            + "this sender goes to that port on the sender's host.",
                    List.of(required("flag", INT, "1 to register, 0 to unregister.").range(0, 1),
                            optional("replyPort", INT, "UDP port to send replies to.").range(1, 65535)),
                    List.of(), List.of(done(NOTIFY, "Registered or unregistered.",
                            required("clientId", INT, "Your client number (0 after unregistering)."))),
                    List.of(E_BAD_ARG, E_QUEUE_FULL)),
            command(AUTH, "Prove you know the secret, if you are not trusted already (clients of the server's own user "
                            + "on Linux are). Until then every command but /auth and /version from this sender (UDP: "
                            + "address, port and user; TCP: connection) fails with E_AUTH.",
                    List.of(required("secret", STRING, "The install token (the server's config folder, file token), "
                            + "or the secret given with --osc-secret.")),
                    List.of(), List.of(done(AUTH, "Authenticated.")), List.of(E_AUTH)),
            command(STATUS, "Ask how the server is doing.", List.of(), List.of(),
                    List.of(new OscReplyForm(STATUS_REPLY, List.of(
                            required("queue", INT, "Jobs waiting or running."),
                            required("model", STRING, "Loaded model, or empty."),
                            required("device", STRING, "cpu, cuda:0, ..."),
                            required("load", FLOAT, "Busy fraction of the model worker, 0 to 1.")), "The status.")),
                    List.of()),
            command(SYNC, "Answered once every command this sender sent before it has been accepted "
                            + "(jobs may still be running: wait for their /done; commands scheduled for later "
                            + "run when due).",
                    List.of(required("id", INT, "Any number; echoed back.")), List.of(),
                    List.of(new OscReplyForm(SYNCED, List.of(required("id", INT, "The id sent.")), "Caught up.")),
                    List.of(E_BAD_ARG)),
            command(VERSION, "Ask for the server's version.", List.of(), List.of(),
                    List.of(new OscReplyForm(VERSION_REPLY, List.of(
                            required("program", STRING, "Always \"longplay\"."),
                            required("version", STRING, "Server version, e.g. 0.1.0."),
                            required("protocol", INT, "Version of this OSC namespace (" + PROTOCOL_VERSION + ").")),
                            "The version.")),
                    List.of()),
            gen(GEN_TEXT, "Generate a clip from a text prompt.", List.of(REQ_ID, PROMPT, SECONDS), GEN_OPTIONS),
            gen(GEN_A2A, "Audio to audio: generate a variation of an audio file guided by a prompt.",
                    List.of(REQ_ID, AUDIO_PATH, PROMPT, SECONDS), A2A_OPTIONS),
            gen(GEN_INPAINT, "Regenerate the region [start, end) of an audio file, keeping the rest.",
                    List.of(REQ_ID, AUDIO_PATH, PROMPT,
                            required("start", FLOAT, "Start of the region in seconds.").range(0, 600),
                            required("end", FLOAT, "End of the region in seconds.").range(0, 600)), GEN_OPTIONS),
            gen(GEN_CONTINUE, "Continue an existing clip by some seconds; the new clip holds both.",
                    List.of(REQ_ID, CLIP_ID, PROMPT, SECONDS), GEN_OPTIONS),
            gen(GEN_LOOP, "Generate a loop locked to a tempo: exactly bars x 4 beats at bpm.",
                    List.of(REQ_ID, PROMPT,
                            required("bpm", FLOAT, "Tempo in beats per minute.").range(20, 300),
                            required("bars", INT, "Length in 4/4 bars.").range(1, 64)), GEN_OPTIONS),
            gen(GEN_SFX, "Generate a sound effect (uses the sound-effects model when one is installed).",
                    List.of(REQ_ID, PROMPT, SECONDS), GEN_OPTIONS),
            gen(GEN_PRESET, "Generate from a named preset (prompt and settings); options override it.",
                    List.of(REQ_ID, required("preset", STRING, "A preset name from /preset/list.")), PRESET_OPTIONS),
            command(GEN_CANCEL, "Cancel a queued or running job of this client. The job itself then fails with "
                            + "E_CANCELLED.", List.of(REQ_ID), List.of(),
                    List.of(done(GEN_CANCEL, "Cancel accepted.", REQ_ID)), List.of(E_BAD_ARG, E_NOT_FOUND)),
            command(CLIP_INFO, "Describe a clip.", List.of(CLIP_ID), List.of(),
                    List.of(done(CLIP_INFO, "The clip.", CLIP_ID, required("path", STRING, "Its WAV file."),
                            required("frames", INT, "Length in sample frames."),
                            required("channels", INT, "Channel count."),
                            required("sampleRate", INT, "Sample rate in Hz."),
                            required("seed", INT, "Seed it was made with."),
                            required("prompt", STRING, "Prompt it was made from."))),
                    List.of(E_BAD_ARG, E_NOT_FOUND)),
            command(CLIP_LIST, "List the clips, newest first: one /clip/list.item each, then /done.", List.of(),
                    List.of(),
                    List.of(new OscReplyForm(CLIP_LIST_ITEM, List.of(CLIP_ID,
                                    required("path", STRING, "Its WAV file."),
                                    required("seconds", FLOAT, "Its length."),
                                    required("prompt", STRING, "Its prompt.")), "One clip."),
                            done(CLIP_LIST, "End of the list.", required("count", INT, "Items sent."))),
                    List.of()),
            command(CLIP_FREE, "Delete a clip and its files.", List.of(CLIP_ID), List.of(),
                    List.of(done(CLIP_FREE, "Deleted.", CLIP_ID)), List.of(E_BAD_ARG, E_NOT_FOUND)),
            command(CLIP_LOAD_SC, "Load a clip into a SuperCollider buffer: the server sends /b_allocRead to "
                            + "scsynth (default 127.0.0.1 57110), which reads the WAV file itself.",
                    List.of(CLIP_ID, required("bufnum", INT, "scsynth buffer number.").range(0, Integer.MAX_VALUE),
                            optional("host", STRING, "scsynth's IP address (a literal, no names): loopback, or your "
                                    + "own address in LAN mode."),
                            optional("port", INT, "scsynth's UDP port.").range(1, 65535)), List.of(),
                    List.of(done(CLIP_LOAD_SC, "/b_allocRead was sent.", CLIP_ID,
                            required("bufnum", INT, "The buffer number."))),
                    List.of(E_BAD_ARG, E_NOT_FOUND)),
            command(PRESET_LIST, "List the presets: one /preset/list.item each, then /done.", List.of(), List.of(),
                    List.of(new OscReplyForm(PRESET_LIST_ITEM, List.of(
                                    required("name", STRING, "Preset name for /gen/preset or the preset option."),
                                    required("description", STRING, "What it makes.")), "One preset."),
                            done(PRESET_LIST, "End of the list.", required("count", INT, "Items sent."))),
                    List.of()),
            command(PLAY, "Play a clip through the server's JACK outputs (serve --jack), sample-exact: now, at a bundle's "
                            + "timetag, 'at' seconds after arrival, or at beat 'atBeat' of the beat clock (a JACK timebase "
                            + "master's BBT, else a plugin host's transport, else the server's tempo). Starting a playId "
                            + "that plays replaces it. /play/end follows when it ends.",
                    List.of(PLAY_ID, CLIP_ID), PLAY_OPTIONS,
                    List.of(done(PLAY, "Accepted; the clip is loaded and queued for the audio thread.", PLAY_ID,
                            required("voice", INT, "The voice it plays on (JACK ports voiceN_L/R, from 0)."),
                            required("frames", INT, "Its length in frames at the JACK rate."),
                            required("sampleRate", INT, "The JACK sample rate."))),
                    List.of(E_BAD_ARG, E_NOT_FOUND, E_NO_AUDIO, E_QUEUE_FULL)),
            command(STOP, "Fade out and end a playback; /play/end follows with reason \"stopped\".", List.of(PLAY_ID),
                    List.of(), List.of(done(STOP, "Stopping.", PLAY_ID)), List.of(E_BAD_ARG, E_NOT_FOUND, E_NO_AUDIO)),
            command(CLOCK, "Ask where the beat clock stands.", List.of(), List.of(),
                    List.of(new OscReplyForm(CLOCK_REPLY, List.of(
                            required("beat", FLOAT, "Beats since the clock's origin at the last period, -1 while stopped."),
                            required("bpm", FLOAT, "Tempo."),
                            required("source", STRING, "transport (JACK timebase master), host (a plugin's host) or internal."),
                            required("sampleRate", INT, "The JACK sample rate.")), "The clock.")),
                    List.of(E_NO_AUDIO)),
            message(DONE, Kind.REPLY, "A command succeeded. The values after the command's address depend on "
                    + "the command (see each command).", List.of(COMMAND)),
            message(FAIL, Kind.REPLY, "A command failed. reqId follows when the command had one.",
                    List.of(COMMAND, required("code", STRING, "A stable error code (below)."),
                            required("message", STRING, "What went wrong, for people."),
                            optional("reqId", INT, "The request's reqId."))),
            message(STATUS_REPLY, Kind.REPLY, "Answer to /status.", List.of()),
            message(SYNCED, Kind.REPLY, "Answer to /sync.", List.of(required("id", INT, "The id sent."))),
            message(VERSION_REPLY, Kind.REPLY, "Answer to /version.", List.of()),
            message(CLIP_LIST_ITEM, Kind.REPLY, "One clip of /clip/list.", List.of()),
            message(PRESET_LIST_ITEM, Kind.REPLY, "One preset of /preset/list.", List.of()),
            message(CLOCK_REPLY, Kind.REPLY, "Answer to /clock.", List.of()),
            message(PLAY_END, Kind.NOTIFICATION, "A playback this client started ended.", List.of(PLAY_ID, CLIP_ID,
                    required("reason", STRING, "finished (ran out or its gate closed), stopped, or replaced."),
                    required("voice", INT, "The voice it played on."))),
            message(GEN_PROGRESS, Kind.NOTIFICATION, "Progress of a job, sent to the client that asked for it.",
                    GEN_PROGRESS_FORM.args()),
            message(B_ALLOC_READ, Kind.OUTGOING, "Sent to scsynth by /clip/load_sc.",
                    List.of(required("bufnum", INT, "Buffer number."),
                            required("path", STRING, "The clip's WAV file."),
                            required("startFrame", INT, "Always 0."),
                            required("numFrames", INT, "Always 0 (whole file).")))
    );

    private static final Map<String, OscAddressDef> COMMANDS = new LinkedHashMap<>();

    static {
        for (OscAddressDef d : ALL) {
            if (d.kind() == Kind.COMMAND && COMMANDS.put(d.address(), d) != null) {
                throw new ExceptionInInitializerError("duplicate address " + d.address());
            }
        }
    }

    private OscAddressSpace() {
    }

    /** Whether {@code address}'s handler times it itself (see {@link OscRequest#due()} and the atBeat option). */
    public static boolean timedByHandler(String address) {
        return TIMED_BY_HANDLER.contains(address);
    }

    /** Every address, commands first, in documentation order. */
    public static List<OscAddressDef> all() {
        return ALL;
    }

    public static List<OscAddressDef> commands() {
        return List.copyOf(COMMANDS.values());
    }

    public static OscAddressDef command(String address) {
        return COMMANDS.get(address);
    }

    /** Arguments checked and converted against a command's definition. */
    public record Checked(OscAddressDef def, List<Object> args, OscOptions options) {
    }

    /**
     * Checks a received message against the namespace.
     *
     * @throws OscCommandException E_NOT_FOUND for an unknown address, E_BAD_ARG for anything wrong with
     *                             the arguments, with a message naming the argument and the expected form
     */
    public static Checked check(String address, List<Object> raw) {
        OscAddressDef def = COMMANDS.get(address);
        if (def == null) {
            throw new OscCommandException(E_NOT_FOUND, "unknown address " + address);
        }
        if (raw.size() < def.requiredCount()) {
            OscArgSpec missing = def.args().get(raw.size());
            throw new OscCommandException(E_BAD_ARG, address + ": missing argument " + (raw.size() + 1) + " '"
                    + missing.name() + "' (usage: " + def.signature() + ")");
        }
        int positional = Math.min(raw.size(), def.args().size());
        List<Object> args = new ArrayList<>(positional);
        for (int i = 0; i < positional; i++) {
            OscArgSpec spec = def.args().get(i);
            args.add(spec.check(address + ": argument " + (i + 1) + " '" + spec.name() + "'", raw.get(i)));
        }
        OscOptions options = OscOptions.parse(address, raw, positional, def.options());
        return new Checked(def, List.copyOf(args), options);
    }

    private static OscAddressDef command(String address, String summary, List<OscArgSpec> args,
                                         List<OscArgSpec> options, List<OscReplyForm> replies,
                                         List<OscErrorCode> errors) {
        List<OscErrorCode> withAuth = new ArrayList<>(errors);
        if (!address.equals(AUTH)) {
            withAuth.add(E_AUTH);
        }
        return new OscAddressDef(address, Kind.COMMAND, summary, args, options, replies, withAuth);
    }

    private static OscAddressDef gen(String address, String summary, List<OscArgSpec> args, List<OscArgSpec> options) {
        return command(address, summary, args, options, List.of(GEN_PROGRESS_FORM, GEN_DONE, GEN_FAIL), GEN_ERRORS);
    }

    private static OscAddressDef message(String address, Kind kind, String summary, List<OscArgSpec> args) {
        return new OscAddressDef(address, kind, summary, args, List.of(), List.of(), List.of());
    }

    private static OscReplyForm done(String command, String description, OscArgSpec... values) {
        List<OscArgSpec> args = new ArrayList<>();
        args.add(required("command", STRING, "\"" + command + "\""));
        args.addAll(List.of(values));
        return new OscReplyForm(DONE, args, description);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
