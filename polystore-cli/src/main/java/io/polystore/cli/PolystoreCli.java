package io.polystore.cli;

import io.polystore.ConfigurationException;
import io.polystore.Copy;
import io.polystore.Polystore;
import io.polystore.StoreException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Command-line tools, run on the application's class path so that its entity classes and store
 * modules are there:
 *
 * <pre>
 * java -cp app.jar:polystore-cli.jar io.polystore.cli.PolystoreCli copy --config polystore.yaml \
 *      --entity com.acme.Session --from main --to sessions [--batch 500] [--checkpoint FILE] [--resume]
 *      [--no-verify] [--delete-source]
 * </pre>
 *
 * Every command takes {@code --help} and {@code --version}; {@code generate-completion} prints a
 * bash/zsh completion script. Exit codes: 0 done (and verified, unless {@code --no-verify}), 1 the
 * copy failed or the two sides differ, 2 bad usage or configuration (the message says what to change).
 */
@Command(name = "polystore", mixinStandardHelpOptions = true, versionProvider = PolystoreCli.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Polystore's command-line tools. Run them with the application's jar first on the class path:%n"
                + "  java -cp app.jar:polystore-cli.jar io.polystore.cli.PolystoreCli COMMAND ...",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the command failed (the message says what happened)",
            "2:bad usage or configuration (the message says what to change)"})
public final class PolystoreCli implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    private PolystoreCli() {
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command: name one of " + spec.subcommands().keySet());
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /**
     * Runs a command.
     *
     * @param args        the command line
     * @param out         where progress and the result go
     * @param err         where errors go
     * @param interactive whether out is a terminal (a redrawn progress bar) or not (a line every few seconds)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        return commandLine(out, err, interactive).execute(args);
    }

    /** @return the command line with its commands, writing to the given streams */
    static CommandLine commandLine(PrintStream out, PrintStream err, boolean interactive) {
        CommandLine cl = new CommandLine(new PolystoreCli());
        cl.addSubcommand(new CopyCommand(out, err, interactive));
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.addSubcommand(new AutoComplete.GenerateCompletion());
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl;
    }

    /** {@code --version}: the version of the Polystore jars on the class path. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"polystore " + Polystore.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    /** The copy command. */
    @Command(name = "copy", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "Copies every entity of a type from one store of the application's configuration to another,"
                    + " keeping ids and versions, then compares both sides (counts and SHA-256 of every entity).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:copied (and verified, unless --no-verify)", "1:the copy failed or the two sides differ",
                "2:bad usage or configuration (the message says what to change)"})
    static final class CopyCommand implements Callable<Integer> {
        static final int MAX_BATCH = 100_000;

        @Spec
        private CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "the application's Polystore configuration (placeholders from the environment)")
        Path config;

        @Option(names = "--entity", required = true, paramLabel = "CLASS",
                description = "the entity type, fully qualified ('$' for nested classes)")
        String entity;

        @Option(names = "--from", required = true, paramLabel = "STORE", description = "the source: a store name from the configuration")
        String from;

        @Option(names = "--to", required = true, paramLabel = "STORE", description = "the target: a store name from the configuration")
        String to;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "500",
                description = "entities per page read and batch written, 1 to " + MAX_BATCH + " (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--checkpoint", paramLabel = "FILE",
                description = "where the position after each written batch is kept (default <Entity>.<from>-<to>.checkpoint);"
                        + " removed when the copy is done")
        Path checkpoint;

        @Option(names = "--resume", description = "continue from the checkpoint of an interrupted copy")
        boolean resume;

        @Option(names = "--no-verify", description = "skip the comparison of both sides")
        boolean noVerify;

        @Option(names = "--delete-source", description = "delete the copied entities from the source, only after a passed verification")
        boolean deleteSource;

        private final PrintStream out;
        private final PrintStream err;
        private final boolean interactive;

        CopyCommand(PrintStream out, PrintStream err, boolean interactive) {
            this.out = out;
            this.err = err;
            this.interactive = interactive;
        }

        /** Checks what the options' types cannot, as usage errors naming the option and its value. */
        private void validate() {
            if (batch < 1 || batch > MAX_BATCH) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--batch': '" + batch
                        + "' is not a whole number from 1 to " + MAX_BATCH);
            }
            if (deleteSource && noVerify) {
                throw new ParameterException(spec.commandLine(), "--delete-source needs the verification: leave out --no-verify");
            }
            if (checkpoint == null) {
                String simple = entity.substring(Math.max(entity.lastIndexOf('.'), entity.lastIndexOf('$')) + 1);
                checkpoint = Path.of(simple + "." + from + "-" + to + ".checkpoint");
            }
        }

        @Override
        public Integer call() {
            validate();
            boolean verify = !noVerify;
            Class<?> type;
            try {
                type = Class.forName(entity, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                err.println("polystore copy: --entity " + entity + ": no such class on the class path; put the application's"
                        + " jar (or classes directory) before polystore-cli.jar in -cp");
                return 2;
            }
            if (!Files.isRegularFile(config)) {
                err.println("polystore copy: --config " + config + ": no such file");
                return 2;
            }
            String resumeFrom = null;
            if (resume) {
                try {
                    resumeFrom = Files.readString(checkpoint, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    err.println("polystore copy: --resume: cannot read the checkpoint " + checkpoint + " (" + e.getMessage()
                            + "); without --resume the copy starts at the beginning");
                    return 2;
                }
            }
            ProgressPrinter printer = new ProgressPrinter(out, interactive, checkpoint);
            Copy.Options options = new Copy.Options(batch, resumeFrom, verify, deleteSource, printer);
            // only the two stores: the others of the application's configuration are neither opened nor needed
            try (Polystore polystore = Polystore.configBuilder(config).retainStores(List.of(from, to)).build()) {
                Copy.Report r = polystore.copy(type, from, to, options);
                printer.finish();
                Files.deleteIfExists(checkpoint);
                out.printf(Locale.ROOT, "copied %d %s from '%s' to '%s' in %s%n", r.copied(), type.getSimpleName(), from, to,
                        ProgressPrinter.clock(r.elapsed()));
                if (verify) {
                    out.printf(Locale.ROOT, "verified: %d entities on each side, SHA-256 %s%n", r.targetCount(), r.targetChecksum());
                }
                if (deleteSource) {
                    out.printf(Locale.ROOT, "deleted %d from '%s'%n", r.deleted(), from);
                }
                return 0;
            } catch (Copy.VerificationException e) {
                printer.finish();
                err.println("polystore copy: verification failed: " + e.getMessage());
                return 1;
            } catch (ConfigurationException e) {
                printer.finish();
                err.println("polystore copy: " + e.getMessage());
                return 2;
            } catch (StoreException | IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
                printer.finish();
                err.println("polystore copy: failed: " + e.getMessage());
                if (printer.lastCheckpoint != null) {
                    err.println("polystore copy: the position after the last written batch is in " + checkpoint
                            + "; run again with --resume to continue");
                }
                return 1;
            }
        }
    }

    /**
     * Shows progress: a bar redrawn in place with rate and time left on a terminal, a plain line
     * every 2 s otherwise. Also keeps the checkpoint file up to date after every batch.
     */
    static final class ProgressPrinter implements Consumer<Copy.Progress> {
        private final PrintStream out;
        private final boolean interactive;
        private final Path file;
        private long lastLine;
        private boolean drawn;
        String lastCheckpoint;

        ProgressPrinter(PrintStream out, boolean interactive, Path file) {
            this.out = out;
            this.interactive = interactive;
            this.file = file;
        }

        @Override
        public void accept(Copy.Progress p) {
            if (p.phase().equals("copy") && p.checkpoint() != null && !p.checkpoint().equals(lastCheckpoint)) {
                save(p.checkpoint());
            }
            String line = line(p);
            if (interactive) {
                out.print("\r" + line + "   ");
                drawn = true;
            } else if (System.nanoTime() - lastLine > 2_000_000_000L || p.phase().equals("done")) {
                out.println(line);
                lastLine = System.nanoTime();
            }
            out.flush();
        }

        void finish() {
            if (drawn) {
                out.println();
                drawn = false;
            }
        }

        private void save(String checkpoint) {
            try {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, checkpoint + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                lastCheckpoint = checkpoint;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the checkpoint " + file, e);
            }
        }

        static String line(Copy.Progress p) {
            long total = Math.max(p.total(), p.done());
            double fraction = total == 0 ? 1 : (double) p.done() / total;
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-7s", p.phase())).append(" [").append("#".repeat(filled))
                    .append("-".repeat(width - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%3d%% %,d/%,d  %,.0f/s", Math.round(fraction * 100), p.done(), total, p.rate()));
            if (p.rate() > 0 && p.done() < total && !p.phase().equals("done")) {
                b.append("  ETA ").append(clock(Duration.ofSeconds(Math.round((total - p.done()) / p.rate()))));
            }
            b.append("  ").append(clock(p.elapsed()));
            return b.toString();
        }

        static String clock(Duration d) {
            long s = d.toSeconds();
            return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }
}
