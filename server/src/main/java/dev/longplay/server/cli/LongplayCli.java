package dev.longplay.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code longplay} command: one subcommand per job a user runs. */
@Command(name = "longplay", mixinStandardHelpOptions = true, version = "longplay 0.1.0",
        description = "Longplay: a background sound server for Stable Audio models.",
        subcommands = {
                GoldenCheckCommand.class,
                ServeCommand.class,
        })
public final class LongplayCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        EngineSetup.configureDefaults();
        int code = new CommandLine(new LongplayCli()).execute(args);
        System.exit(code);
    }
}
