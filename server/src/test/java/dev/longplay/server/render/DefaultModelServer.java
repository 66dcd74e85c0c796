package dev.longplay.server.render;

import dev.longplay.models.pipeline.TrainedModel;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.TestServer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real server on Longplay's default model (unpacked under the test's folder), one worker, HTTP and OSC (UDP) on
 * ephemeral loopback ports: the fixture of the tests that run jobs end to end from either edge.
 */
record DefaultModelServer(TestServer http, InetSocketAddress osc) implements AutoCloseable {

    static DefaultModelServer start(Path root) throws Exception {
        TestServer s = TestServer.start(root, new ModelClipRenderer(TrainedModel.ID, root.resolve("models")), 1, 16);
        try {
            return new DefaultModelServer(s, s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0),
                    Optional.empty()).udpAddress().orElseThrow());
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        http.close();
    }
}
