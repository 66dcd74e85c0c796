package dev.longplay.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code longplay} command: one subcommand per job a user runs. */
@Command(name = "longplay", mixinStandardHelpOptions = true, version = "longplay 0.1.0",
        description = "Longplay: a background sound server for Stable Audio models.",
        subcommands = {
                GoldenCheckCommand.class,
                InfoCommand.class,
                ServeCommand.class,
        })
public final class LongplayCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        EngineSetup.configureDefaults();
        CommandLine cli = new CommandLine(new LongplayCli());
        // Users get the problem in one line; stack traces only with LONGPLAY_DEBUG set.
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (System.getenv("LONGPLAY_DEBUG") != null) {
                ex.printStackTrace();
            }
            line.getErr().println("longplay: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 2;
        });
        int code = cli.execute(args);
        System.exit(code);
    }
}
