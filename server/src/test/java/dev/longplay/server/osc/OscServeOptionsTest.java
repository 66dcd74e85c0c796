package dev.longplay.server.osc;

import dev.longplay.server.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** serve's OSC options are checked before anything starts: LAN mode without a secret never listens. */
class OscServeOptionsTest {

    private static int serve(Path dir, String... osc) {
        String[] args = new String[osc.length + 4];
        args[0] = "--data-dir";
        args[1] = dir.resolve("data").toString();
        args[2] = "--config-dir";
        args[3] = dir.resolve("config").toString();
        System.arraycopy(osc, 0, args, 4, osc.length);
        return new CommandLine(new ServeCommand(m -> {
            throw new AssertionError("no renderer is made when the options are refused");
        })).execute(args);
    }

    @Test
    void lanModeNeedsASecretAndPortsAreChecked(@TempDir Path dir) {
        assertEquals(2, serve(dir, "--osc-bind", "0.0.0.0"));
        assertEquals(2, serve(dir, "--osc-bind", "0.0.0.0", "--osc-secret", "short"));
        assertEquals(2, serve(dir, "--osc-port", "70000"));
        assertEquals(2, serve(dir, "--osc-port", "-2"));
        assertEquals(2, serve(dir, "--osc-idle-timeout", "0"));
        assertFalse(Files.exists(dir.resolve("data")));
    }
}
