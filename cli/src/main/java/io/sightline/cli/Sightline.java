package io.sightline.cli;

import io.sightline.formats.IoReasons;
import java.io.IOException;
import java.util.Optional;
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
public final class Sightline implements java.util.concurrent.Callable<Integer> {

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
            command.getErr().println("sightline: " + describe(e));
            return 2;
        }
        throw e;
    }

    /**
     * The message and the cause's reason. NIO exceptions carry only the path as their message, so
     * their reason comes from {@link IoReasons}: {@code cannot read EPSS file X: permission denied}.
     */
    static String describe(Throwable e) {
        String message = Optional.ofNullable(e.getMessage()).orElse("");
        if (e instanceof java.nio.file.FileSystemException fs) {
            return "cannot access " + fs.getFile() + ": " + IoReasons.of(fs);
        }
        if (e instanceof IOException io && !(e.getCause() instanceof IOException)) {
            return IoReasons.of(io);
        }
        Throwable cause = e.getCause();
        if (cause == null || cause == e) {
            return message;
        }
        String reason = cause instanceof IOException io
                ? IoReasons.of(io)
                : Optional.ofNullable(cause.getMessage())
                        .orElse(cause.getClass().getSimpleName());
        if (message.isEmpty() || message.equals(cause.toString())) {
            return reason;
        }
        return message.contains(reason) ? message : message + ": " + reason;
    }

    /** Without a subcommand there is nothing to do: the usage, on stderr, and exit status 2. */
    @Override
    public Integer call() {
        CommandLine command = spec.commandLine();
        command.getErr().println("sightline: a command is needed");
        command.usage(command.getErr());
        command.getErr().flush();
        return 2;
    }
}
