package dev.longplay.server.cli;

import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.Stage;

/** A one-line progress bar on stderr, redrawn in place; silent when quiet or when stderr is not a terminal. */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(boolean quiet) {
        this.enabled = !quiet && System.console() != null;
    }

    @Override
    public void progress(Stage stage, int step, int total) {
        if (!enabled || total <= 0) {
            return;
        }
        int filled = (int) ((long) WIDTH * step / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        System.err.printf("\r%-13s [%s] %d/%d ", stage.wire(), bar, step, total);
        drawn = true;
    }

    void done() {
        if (drawn) {
            System.err.print("\r" + " ".repeat(WIDTH + 30) + "\r");
            drawn = false;
        }
    }
}
