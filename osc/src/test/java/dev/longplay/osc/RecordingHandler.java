package dev.longplay.osc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the server's job engine: answers /status, "finishes" every /gen command at once with a
 * made-up clip, and records what it accepted, so tests can check that no job was lost or altered.
 */
final class RecordingHandler implements OscRequestHandler {
    final List<OscRequest> accepted = new CopyOnWriteArrayList<>();

    @Override
    public void handle(OscRequest request, OscReplier replier) {
        accepted.add(request);
        switch (request.address()) {
            case OscAddressSpace.STATUS -> replier.send(OscAddressSpace.STATUS_REPLY, accepted.size(), "test-model", "cpu", 0.25);
            case OscAddressSpace.GEN_CANCEL -> throw new OscCommandException(OscErrorCode.E_NOT_FOUND,
                    "no job " + request.integer("reqId"));
            default -> {
                if (request.address().startsWith("/gen/")) {
                    int reqId = request.integer("reqId");
                    replier.notify(new com.illposed.osc.OSCMessage(OscAddressSpace.GEN_PROGRESS,
                            OscReplier.wire(reqId, 0.5, 4, 8, "sample")));
                    replier.done(request.address(), reqId, "clip-" + reqId, "/tmp/clip-" + reqId + ".wav",
                            44100, 2, 44100, request.options().integer("seed").orElse(7));
                } else {
                    replier.done(request.address());
                }
            }
        }
    }
}
