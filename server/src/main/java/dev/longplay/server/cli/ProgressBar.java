package dev.longplay.server.cli;

import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.models.pipeline.Stage;

/** A one-line progress bar on stderr, redrawn in place; silent when quiet or when stderr is not a terminal. */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final boolean enabled;
    private boolean drawn;
    // "window 3/13 " while a long clip is made window by window
    private String window = "";

    ProgressBar(boolean quiet) {
        this.enabled = !quiet && System.console() != null;
    }

    @Override
    public void progress(Stage stage, int step, int total) {
        if (!enabled || total <= 0) {
            return;
        }
        if (stage == Stage.WINDOW) {
            window = step < total ? "window " + (step + 1) + "/" + total + " " : "";
            return;
        }
        int filled = (int) ((long) WIDTH * step / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        System.err.printf("\r%s%-13s [%s] %d/%d ", window, stage.wire(), bar, step, total);
        drawn = true;
    }

    void done() {
        if (drawn) {
            System.err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
            drawn = false;
            window = "";
        }
    }
}
