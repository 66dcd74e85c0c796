package dev.longplay.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code longplay} command: one subcommand per job a user runs. */
@Command(name = "longplay", mixinStandardHelpOptions = true, version = "longplay 0.1.0",
        description = "Longplay: a background sound server for Stable Audio models.",
        subcommands = {
                GoldenCheckCommand.class,
                InfoCommand.class,
                PullCommand.class,
                ModelsCommand.class,
                ServeCommand.class,
                WorkerCommand.class,
                GenerateCommand.class,
                ScoreCommand.class,
                BenchCommand.class,
                DemoCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                JoinsCommand.class,
        })
public final class LongplayCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** A command line whose failures reach the user as one line; stack traces only with LONGPLAY_DEBUG set. */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (System.getenv("LONGPLAY_DEBUG") != null) {
                ex.printStackTrace();
            }
            line.getErr().println("longplay: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 2;
        });
        return cli;
    }

    public static void main(String[] args) {
        EngineSetup.configureDefaults();
        int code = commandLine(new LongplayCli()).execute(args);
        System.exit(code);
    }
}
