package dev.longplay.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import static dev.longplay.osc.OscAddressSpace.AUTH;
import static dev.longplay.osc.OscAddressSpace.NOTIFY;
import static dev.longplay.osc.OscAddressSpace.OPT_AT;
import static dev.longplay.osc.OscAddressSpace.OPT_AT_BEAT;
import static dev.longplay.osc.OscAddressSpace.SYNC;
import static dev.longplay.osc.OscAddressSpace.VERSION;

/**
 * Everything between a received packet and the handler, whatever the socket: rate limit, decode, walk
 * bundles, authenticate, check against the namespace, schedule by timetag or at/atBeat, answer the
 * built-in commands, call the handler. No method lets an exception escape, because one bad packet must
 * never stop the receiver (JavaOSC's own listener dies that way).
 *
 * <p>Fairness: each client (UDP address and port, or TCP connection) has its own token bucket, checked before
 * anything is parsed, so a flooding client's packets are dropped at the cost of a map lookup while others' pass;
 * one shared bucket caps the total. Scheduled commands are capped per client as well as in total.
 */
final class OscDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OscDispatcher.class);
    /** Commands due this close to now run at once rather than through the scheduler. */
    private static final Duration SCHEDULE_THRESHOLD = Duration.ofMillis(1);

    private final OscServerConfig config;
    private final OscRequestHandler handler;
    private final OscClientRegistry registry;
    private final OscPacketCodec codec;
    /** Commands anyone may send: the way to become trusted, and the version (nothing private). */
    private static final Set<String> OPEN = Set.of(AUTH, VERSION);
    private static final Object ALL_CLIENTS = new Object();

    private final TokenBucketRateLimiter<Object> limiter;
    private final TokenBucketRateLimiter<Object> globalLimiter;
    private final OscTrust trust;
    private final byte[] secret;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger scheduled = new AtomicInteger();
    private final LongAdder packets = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder oversized = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder failed = new LongAdder();

    OscDispatcher(OscServerConfig config, OscRequestHandler handler, OscClientRegistry registry, OscPacketCodec codec) {
        this.config = config;
        this.handler = handler;
        this.registry = registry;
        this.codec = codec;
        this.limiter = new TokenBucketRateLimiter<>(config.ratePerSecond(), config.burst(), config.maxClients() * 16);
        this.globalLimiter = new TokenBucketRateLimiter<>(config.limits().globalRatePerSecond(), config.limits().globalBurst(), 1);
        this.trust = new OscTrust(config.trust());
        this.secret = config.secret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osc-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    OscTrust trust() {
        return trust;
    }

    /**
     * One received packet; {@code session} is only created once the packet is admitted and parsed.
     *
     * @param client the client's rate limit key: its UDP address and port, or its TCP session
     */
    void onPacket(ByteBuffer bytes, Object client, InetAddress host, Supplier<OscSession> session) {
        packets.increment();
        try {
            long now = System.nanoTime();
            if (!limiter.tryAcquire(client, now) || !globalLimiter.tryAcquire(ALL_CLIENTS, now)) {
                rateLimited.increment();
                return;
            }
            OscPacketCodec.Decoded decoded = codec.decode(bytes);
            if (decoded instanceof OscPacketCodec.Malformed m) {
                malformed.increment();
                log.debug("Dropped a malformed packet from {}: {}", host, m.reason());
                return;
            }
            OscSession s = session.get();
            trust.seen(s, now);
            dispatch(((OscPacketCodec.Packet) decoded).packet(), s, null);
        } catch (RuntimeException | StackOverflowError e) {
            log.error("Packet from {} dropped by an unexpected error", host, e);
        }
    }

    void countOversized() {
        packets.increment();
        oversized.increment();
    }

    OscTransportStats stats() {
        return new OscTransportStats(packets.sum(), commands.sum(), malformed.sum(), oversized.sum(),
                rateLimited.sum(), failed.sum());
    }

    /** A bundle's contents inherit its time; a nested bundle can only be later than its parent. */
    private void dispatch(OSCPacket packet, OscSession session, Instant due) {
        if (packet instanceof OSCMessage m) {
            onMessage(m, session, due);
            return;
        }
        OSCBundle bundle = (OSCBundle) packet;
        long ntp = bundle.getTimestamp().getNtpTime();
        Instant time = OscTimeTags.isImmediate(ntp) ? due : OscTimeTags.toInstant(ntp);
        if (due != null && time != null && time.isBefore(due)) {
            time = due;
        }
        for (OSCPacket p : bundle.getPackets()) {
            dispatch(p, session, time);
        }
    }

    private void onMessage(OSCMessage message, OscSession session, Instant bundleDue) {
        String address = message.getAddress();
        List<Object> raw = message.getArguments();
        try {
            if (!OPEN.contains(address) && !trust.trusted(session, System.nanoTime())) {
                throw new OscCommandException(OscErrorCode.E_AUTH, address + ": not authenticated; send /auth <secret> first");
            }
            OscAddressSpace.Checked c = OscAddressSpace.check(address, raw);
            boolean selfTimed = OscAddressSpace.timedByHandler(address);
            Instant due = dueTime(c.options(), bundleDue, selfTimed);
            OscRequest request = new OscRequest(c.def(), c.args(), c.options(), session.remote(),
                    session.transport(), Optional.ofNullable(due));
            if (!selfTimed && due != null && due.isAfter(Instant.now().plus(SCHEDULE_THRESHOLD))) {
                schedule(request, session, due);
            } else {
                execute(request, session);
            }
        } catch (OscCommandException e) {
            failed.increment();
            Integer reqId = rawRequestId(address, raw);
            if (reqId == null) {
                session.fail(address, e.code(), e.getMessage());
            } else {
                session.send(OscAddressSpace.FAIL, address, e.code().name(), e.getMessage(), reqId);
            }
        }
    }

    /** The reqId of a command that failed its checks, when its first argument still reads as one. */
    private static Integer rawRequestId(String address, List<Object> raw) {
        OscAddressDef def = OscAddressSpace.command(address);
        if (def == null || def.indexOf("reqId") != 0 || raw.isEmpty()) {
            return null;
        }
        return (Integer) OscArgType.INT.coerce(raw.get(0));
    }

    /** @param selfTimed the handler reads atBeat itself (sample-exact); it is only checked against at here */
    private Instant dueTime(OscOptions options, Instant bundleDue, boolean selfTimed) {
        Instant now = Instant.now();
        Instant due = bundleDue;
        if (options.has(OPT_AT) && options.has(OPT_AT_BEAT)) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG, "give either at or atBeat, not both");
        }
        if (options.has(OPT_AT)) {
            double seconds = options.number(OPT_AT).getAsDouble();
            due = (due == null ? now : due).plusNanos((long) (seconds * 1e9));
        } else if (options.has(OPT_AT_BEAT) && !selfTimed) {
            double beat = options.number(OPT_AT_BEAT).getAsDouble();
            BeatClock clock = config.beatClock().orElseThrow(() -> new OscCommandException(OscErrorCode.E_BAD_ARG,
                    "atBeat: this server has no beat clock"));
            due = clock.instantOf(beat).orElseThrow(() -> new OscCommandException(OscErrorCode.E_BAD_ARG,
                    "atBeat: the beat clock is not running"));
        }
        if (due != null && due.isAfter(now.plus(config.maxScheduleAhead()))) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG,
                    "due more than " + config.maxScheduleAhead().toSeconds() + " s ahead (timetag " + due + ")");
        }
        return due;
    }

    private void schedule(OscRequest request, OscSession session, Instant due) {
        int perClient = config.limits().maxScheduledPerClient();
        if (session.scheduled.incrementAndGet() > perClient) {
            session.scheduled.decrementAndGet();
            throw new OscCommandException(OscErrorCode.E_QUEUE_FULL,
                    "this client has " + perClient + " commands scheduled already");
        }
        if (scheduled.incrementAndGet() > config.maxScheduled()) {
            scheduled.decrementAndGet();
            session.scheduled.decrementAndGet();
            throw new OscCommandException(OscErrorCode.E_QUEUE_FULL,
                    config.maxScheduled() + " commands are scheduled already");
        }
        long delay = Math.max(0, Duration.between(Instant.now(), due).toNanos());
        try {
            scheduler.schedule(() -> {
                scheduled.decrementAndGet();
                session.scheduled.decrementAndGet();
                execute(request, session);
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.decrementAndGet();
            session.scheduled.decrementAndGet();
            throw new OscCommandException(OscErrorCode.E_CANCELLED, "the server is shutting down");
        }
    }

    private void execute(OscRequest request, OscSession session) {
        commands.increment();
        try {
            switch (request.address()) {
                case NOTIFY -> notify(request, session);
                case AUTH -> authenticate(request, session);
                case SYNC -> session.send(OscAddressSpace.SYNCED, request.integer("id"));
                case VERSION -> session.send(OscAddressSpace.VERSION_REPLY, "longplay", config.serverVersion(),
                        OscAddressSpace.PROTOCOL_VERSION);
                default -> handler.handle(request, session);
            }
        } catch (OscCommandException e) {
            failed.increment();
            session.fail(request, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} from {} failed", request.address(), session, e);
            session.fail(request, OscErrorCode.E_INTERNAL, request.address() + ": internal error (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void notify(OscRequest request, OscSession session) {
        if (request.integer("flag") == 1) {
            int replyPort = (Integer) request.arg("replyPort").orElse(0);
            session.done(NOTIFY, registry.register(session, replyPort, trust.ownerKey(session, System.nanoTime()),
                    config.limits().maxRegisteredPerOwner()));
        } else {
            registry.unregister(session);
            session.done(NOTIFY, 0);
        }
    }

    private void authenticate(OscRequest request, OscSession session) {
        if (secret == null) {
            throw new OscCommandException(OscErrorCode.E_AUTH, "/auth: this server has no secret; only its own user's "
                    + "local clients may command it");
        }
        byte[] given = request.string("secret").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(secret, given)) {
            log.warn("Wrong OSC secret from {}", session);
            throw new OscCommandException(OscErrorCode.E_AUTH, "/auth: wrong secret");
        }
        trust.authenticate(session, System.nanoTime());
        session.done(AUTH);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
