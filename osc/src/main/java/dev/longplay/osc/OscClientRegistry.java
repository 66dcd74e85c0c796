package dev.longplay.osc;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The clients the transport knows: UDP senders (bounded, least recently heard forgotten first, but never one that
 * registered or authenticated while a stateless one can go instead) and the subset registered with
 * {@code /notify 1}, who receive notifications; registrations are capped in total and per owner.
 */
final class OscClientRegistry {
    private final int maxClients;
    private final int maxUdpSessions;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Set<OscSession> registered = ConcurrentHashMap.newKeySet();
    /** Access order: the first entry is the least recently heard. */
    private final Map<InetSocketAddress, OscSession> udpSessions = new LinkedHashMap<>(64, 0.75f, true);

    OscClientRegistry(int maxClients) {
        this.maxClients = maxClients;
        this.maxUdpSessions = maxClients * 4;
    }

    synchronized OscSession udpSession(InetSocketAddress from, Function<InetSocketAddress, OscSession> create) {
        OscSession s = udpSessions.get(from);
        if (s != null) {
            return s;
        }
        if (udpSessions.size() >= maxUdpSessions) {
            evictOne();
        }
        s = create.apply(from);
        udpSessions.put(from, s);
        return s;
    }

    /** Forgets the least recently heard sender that holds nothing, else the least recently heard one. */
    private void evictOne() {
        Iterator<OscSession> it = udpSessions.values().iterator();
        OscSession eldest = null;
        while (it.hasNext()) {
            OscSession s = it.next();
            if (eldest == null) {
                eldest = s;
            }
            if (!s.registered() && s.authenticatedAs() == null && s.scheduled.get() == 0) {
                it.remove();
                return;
            }
        }
        if (eldest != null) {
            udpSessions.remove(eldest.remote());
            unregister(eldest);
        }
    }

    /**
     * @param ownerKey      whom the registration counts against (see {@link OscTrust#ownerKey})
     * @param maxPerOwner   registrations one owner may hold
     * @return the new client id; E_QUEUE_FULL when maxClients are registered already, or the owner holds its share
     */
    int register(OscSession session, int replyPort, String ownerKey, int maxPerOwner) {
        synchronized (registered) {
            if (!registered.contains(session)) {
                if (registered.size() >= maxClients) {
                    throw new OscCommandException(OscErrorCode.E_QUEUE_FULL,
                            "/notify: " + maxClients + " clients are registered already");
                }
                long mine = registered.stream().filter(s -> ownerKey.equals(s.ownerKey())).count();
                if (mine >= maxPerOwner) {
                    throw new OscCommandException(OscErrorCode.E_QUEUE_FULL,
                            "/notify: your user (or host) has " + maxPerOwner + " clients registered already");
                }
            }
            int id = session.registered() ? session.clientId() : nextId.getAndIncrement();
            session.registration(id, replyPort);
            registered.add(session);
            return id;
        }
    }

    void unregister(OscSession session) {
        synchronized (registered) {
            session.registration(0, 0);
            registered.remove(session);
        }
    }

    List<OscSession> registered() {
        return List.copyOf(registered);
    }
}
