package dev.longplay.server.security;

import dev.longplay.server.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The per-install secret every write must present ({@code Authorization: Bearer <token>}). Kept in
 * {@code <config>/token}, mode 0600 in a 0700 folder, created at first start. A token file that others could read
 * (or that is a link) is replaced by a fresh token: the old one may have leaked.
 */
public final class InstallToken {

    private static final Logger LOG = LoggerFactory.getLogger(InstallToken.class);
    private static final int BYTES = 32;

    private final String value;
    private final Path file;

    private InstallToken(String value, Path file) {
        this.value = value;
        this.file = file;
    }

    public static InstallToken loadOrCreate(Path configDir) throws IOException {
        Files.createDirectories(configDir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.setPosixFilePermissions(configDir, PosixFilePermissions.fromString("rwx------"));
        }
        Path file = configDir.resolve("token");
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && (!posix || ownerOnly(file))) {
            String existing = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (existing.matches("[0-9a-f]{" + (2 * BYTES) + "}")) {
                return new InstallToken(existing, file);
            }
            LOG.warn("{} does not hold a valid token; writing a new one", file);
        } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("{} was readable by other users (or not a plain file); replacing it with a new token", file);
            Files.delete(file);
        }
        byte[] raw = new byte[BYTES];
        new SecureRandom().nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        AtomicFiles.write(file, true, out -> out.write((token + "\n").getBytes(StandardCharsets.US_ASCII)));
        LOG.info("created the install token in {}", file);
        return new InstallToken(token, file);
    }

    private static boolean ownerOnly(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        return perms.stream().allMatch(p -> p == PosixFilePermission.OWNER_READ || p == PosixFilePermission.OWNER_WRITE);
    }

    /** Constant-time comparison of a presented token. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Checks an {@code Authorization} header value. */
    public boolean authorises(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(authorizationHeader.substring(7).trim());
    }

    public String value() {
        return value;
    }

    public Path file() {
        return file;
    }
}
