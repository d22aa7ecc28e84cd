package io.sightline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sightline} command. */
@Command(
        name = "sightline",
        mixinStandardHelpOptions = true,
        version = "sightline 0.1.0",
        description = "Cloud detection and response: attack storyboards and a short, explained fix list.",
        subcommands = {AnalyzeCommand.class, KevCommand.class})
public final class Sightline implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Sightline());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
