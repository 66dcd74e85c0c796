package dev.longplay.server.cli;

import dev.longplay.models.hub.PullListener;
import dev.longplay.models.hub.RepoRef;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A pull's progress on stderr: on a terminal one line redrawn in place with the file, a bar, bytes, rate and ETA
 * (at most ten times a second); elsewhere (a log, a pipe) one line per file.
 */
final class DownloadProgress implements PullListener {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private long fileStart;
    private long startBytes;
    private long lastDraw;
    private boolean drawn;

    DownloadProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    @Override
    public void planned(RepoRef ref, String commit, java.util.List<String> files, long totalBytes) {
        if (!quiet) {
            err.println("pulling " + ref + " at " + commit.substring(0, 12) + ": " + files.size() + " files"
                    + (totalBytes >= 0 ? ", " + size(totalBytes) : ""));
        }
    }

    @Override
    public void fileStarted(RepoRef ref, String path, long size, long from) {
        fileStart = System.nanoTime();
        startBytes = from;
        lastDraw = 0;
        if (!quiet && !terminal) {
            err.println("  " + path + " (" + size(size) + (from > 0 ? ", resuming at " + size(from) : "") + ")");
        }
    }

    @Override
    public void bytes(RepoRef ref, String path, long done, long size) {
        long now = System.nanoTime();
        if (quiet || !terminal || (now - lastDraw < REDRAW_NANOS && done < size)) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-3, (now - fileStart) / 1e9);
        double rate = (done - startBytes) / seconds;
        int filled = size > 0 ? (int) (WIDTH * done / size) : 0;
        String eta = rate > 0 && size > done ? clock((size - done) / rate) : "--:--";
        String name = path.length() > 28 ? "…" + path.substring(path.length() - 27) : path;
        err.printf(Locale.ROOT, "\r%-28s [%s%s] %s / %s  %s/s  ETA %s ", name, "#".repeat(filled), ".".repeat(WIDTH - filled),
                size(done), size(size), size((long) rate), eta);
        drawn = true;
    }

    @Override
    public void fileDone(RepoRef ref, String path, boolean cached) {
        endLine();
        if (!quiet && terminal) {
            err.println("  " + path + (cached ? " (already in the cache)" : ""));
        }
    }

    @Override
    public void note(String message) {
        endLine();
        if (!quiet) {
            err.println(message);
        }
    }

    void endLine() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 80) + "\r");
            drawn = false;
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String clock(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
