package dev.longplay.osc;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The clients the transport knows: UDP senders (bounded, least recently heard forgotten first) and the
 * subset registered with {@code /notify 1}, who receive notifications.
 */
final class OscClientRegistry {
    private final int maxClients;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Set<OscSession> registered = ConcurrentHashMap.newKeySet();
    private final Map<InetSocketAddress, OscSession> udpSessions;

    OscClientRegistry(int maxClients) {
        this.maxClients = maxClients;
        this.udpSessions = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, OscSession> eldest) {
                boolean evict = size() > maxClients * 4;
                if (evict) {
                    registered.remove(eldest.getValue());
                }
                return evict;
            }
        };
    }

    synchronized OscSession udpSession(InetSocketAddress from, Function<InetSocketAddress, OscSession> create) {
        return udpSessions.computeIfAbsent(from, create);
    }

    /** @return the new client id; E_QUEUE_FULL when maxClients are registered already */
    int register(OscSession session, int replyPort) {
        synchronized (registered) {
            if (!registered.contains(session) && registered.size() >= maxClients) {
                throw new OscCommandException(OscErrorCode.E_QUEUE_FULL,
                        "/notify: " + maxClients + " clients are registered already");
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
