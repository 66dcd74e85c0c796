package dev.longplay.server.render;

import dev.longplay.models.pipeline.TrainedModel;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.TestServer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real server on Longplay's default model (unpacked under the test's folder), one worker, HTTP and OSC (UDP) on
 * ephemeral loopback ports: the fixture of the tests that run jobs end to end from either edge. A test class holds
 * one for all its tests with {@code @RegisterExtension static final DefaultModelServer.PerClass SERVER}.
 */
record DefaultModelServer(TestServer http, InetSocketAddress osc) implements AutoCloseable {

    /** One server for a test class: started before its first test in a fresh folder, closed and deleted after. */
    static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private Path root;
        private DefaultModelServer server;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            root = Files.createTempDirectory("longplay-default-model-server");
            server = start(root);
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            try {
                if (server != null) {
                    server.close();
                }
            } finally {
                try (Stream<Path> all = Files.walk(root)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }

        TestServer http() {
            return server.http();
        }

        InetSocketAddress osc() {
            return server.osc();
        }
    }

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
