package dev.longplay.server.bridge;

/** The handshake's request bodies, as HTTP (JSON) and OSC (arguments) both carry them. */
public final class BridgeMessages {

    private BridgeMessages() {
    }

    /** Attach a plugin instance running at {@code sampleRate}; {@code capacityFrames} null = about one second. */
    public record Attach(String instanceId, Integer sampleRate, Integer capacityFrames) {
        public Attach {
            if (sampleRate == null) {
                throw new IllegalArgumentException("sampleRate is required");
            }
        }
    }

    /** Queue a stored clip into the instance's ring. */
    public record Send(String clipId) {
        public Send {
            if (clipId == null || clipId.isBlank()) {
                throw new IllegalArgumentException("clipId is required");
            }
        }
    }

    /** The host's transport: tempo in bpm, position in quarter notes (PPQ), whether it is playing. */
    public record Transport(Double tempo, Double ppq, Boolean playing) {
        public Transport {
            if (tempo == null || ppq == null || playing == null) {
                throw new IllegalArgumentException("tempo, ppq and playing are required");
            }
        }
    }
}
