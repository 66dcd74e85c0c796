package dev.longplay.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link AttackerClient} as another local user (uid and gid 65534, "nobody", no supplementary groups) through
 * {@code setpriv}: the attacker of the security tests. Needs Linux and root (CI runs as root); tests skip elsewhere.
 */
public final class OtherUser {

    public static final int UID = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** The client's output and exit status. */
    public record Result(int exit, String out) {
    }

    private OtherUser() {
    }

    /** True where a test can act as another user: Linux socket tables, running as root, setpriv present. */
    public static boolean available() {
        return LoopbackPeerOwner.supported() && LoopbackPeerOwner.currentUid() == 0 && Files.isExecutable(SETPRIV);
    }

    /**
     * Runs the client as user 65534, feeding it {@code input}. {@code scratch} (a JUnit temp folder) is made
     * traversable for that user; its parent must be already (as the system temp folder is).
     */
    public static Result run(Path scratch, String input, String... args) throws IOException, InterruptedException {
        return launch(scratch, true, input, args);
    }

    /** Runs a command (no shell) as user 65534; returns its exit status and output. */
    public static Result exec(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + UID, "--regid=" + UID, "--clear-groups"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the command did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }

    /** The same client as this test's own user: the control that must still succeed. */
    public static Result runAsSelf(Path scratch, String input, String... args) throws IOException, InterruptedException {
        return launch(scratch, false, input, args);
    }

    private static Result launch(Path scratch, boolean other, String input, String... args) throws IOException, InterruptedException {
        Path classes = copyClient(scratch);
        List<String> cmd = new ArrayList<>();
        if (other) {
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + UID, "--regid=" + UID, "--clear-groups"));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-XX:-UsePerfData", "-Xmx32m", "-cp", classes.toString(), AttackerClient.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(classes.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the client did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }

    /** A copy of the client's class file in a folder user 65534 can read (the build folder may not be). */
    private static Path copyClient(Path scratch) throws IOException {
        Path dir = scratch.resolve("attacker-classes");
        String rel = AttackerClient.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(rel);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (var in = AttackerClient.class.getClassLoader().getResourceAsStream(rel)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            for (Path p = target.getParent(); p != null && p.startsWith(scratch); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return dir;
    }
}
