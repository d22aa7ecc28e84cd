package io.sightline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sightline} command. */
@Command(
        name = "sightline",
        mixinStandardHelpOptions = true,
        version = "sightline 0.1.0",
        description = "Cloud detection and response: attack storyboards and a short, explained fix list.",
        subcommands = {
            AnalyzeCommand.class,
            DiscoverCommand.class,
            SourceCommands.Clusters.class,
            SourceCommands.Accounts.class,
            SourceCommands.Hosts.class,
            GateCommand.class,
            FixesCommand.class,
            RemediateCommand.class,
            TriageCommand.class,
            NotifyCommand.class,
            KevCommand.class,
            ShiftleftCommand.class,
            ServeCommand.class,
            TokenCommand.class,
            ReplayCommand.class
        })
public final class Sightline implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Sightline()).setExecutionExceptionHandler(Sightline::userError);
    }

    /**
     * Problems with the user's input (a missing file, a bad option value, an unreadable catalogue)
     * are one line on stderr and exit status 2; anything else is a bug and keeps its stack trace.
     */
    private static int userError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException
                || e instanceof java.io.UncheckedIOException
                || e instanceof java.io.IOException) {
            String cause = e.getCause() != null && e.getCause() != e
                    ? ": " + e.getCause().getMessage()
                    : "";
            command.getErr()
                    .println("sightline: " + e.getMessage() + (e.getMessage().contains(cause) ? "" : cause));
            return 2;
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
