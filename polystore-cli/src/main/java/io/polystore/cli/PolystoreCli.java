package io.polystore.cli;

import io.polystore.ConfigurationException;
import io.polystore.Copy;
import io.polystore.Polystore;
import io.polystore.StoreException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * Exit codes: 0 done (and verified, unless {@code --no-verify}), 1 the copy failed or the two sides
 * differ, 2 bad usage or configuration (the message says what to change).
 */
public final class PolystoreCli {
    static final String USAGE = """
            usage: java -cp app.jar:polystore-cli.jar io.polystore.cli.PolystoreCli copy --config FILE --entity CLASS \\
                        --from STORE --to STORE [--batch N] [--checkpoint FILE] [--resume] [--no-verify] [--delete-source]
              --config FILE       the application's Polystore configuration (placeholders from the environment)
              --entity CLASS      the entity type, fully qualified ('$' for nested classes)
              --from, --to        store names from the configuration
              --batch N           entities per page read and batch written (default 500)
              --checkpoint FILE   where the position after each written batch is kept
                                  (default <Entity>.<from>-<to>.checkpoint); removed when the copy is done
              --resume            continue from the checkpoint of an interrupted copy
              --no-verify         skip the comparison of both sides (counts and SHA-256 of every entity)
              --delete-source     delete the copied entities from the source, only after a passed verification
            """;

    private PolystoreCli() {
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
        if (args.length == 0 || !args[0].equals("copy")) {
            err.println(args.length == 0 ? "polystore: no command" : "polystore: unknown command '" + args[0] + "'");
            err.print(USAGE);
            return 2;
        }
        CopyCommand c;
        try {
            c = CopyCommand.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("polystore copy: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        return c.run(out, err, interactive);
    }

    /** The copy command's options. */
    record CopyCommand(Path config, String entity, String from, String to, int batch, Path checkpoint, boolean resume,
                       boolean verify, boolean deleteSource) {

        static CopyCommand parse(String[] args) {
            Path config = null;
            String entity = null;
            String from = null;
            String to = null;
            int batch = 500;
            Path checkpoint = null;
            boolean resume = false;
            boolean verify = true;
            boolean delete = false;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--config" -> config = Path.of(value(args, ++i, a));
                    case "--entity" -> entity = value(args, ++i, a);
                    case "--from" -> from = value(args, ++i, a);
                    case "--to" -> to = value(args, ++i, a);
                    case "--batch" -> {
                        String v = value(args, ++i, a);
                        try {
                            batch = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            batch = -1;
                        }
                        if (batch < 1 || batch > 100_000) {
                            throw new IllegalArgumentException("--batch '" + v + "': expected a whole number from 1 to 100000");
                        }
                    }
                    case "--checkpoint" -> checkpoint = Path.of(value(args, ++i, a));
                    case "--resume" -> resume = true;
                    case "--no-verify" -> verify = false;
                    case "--delete-source" -> delete = true;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            for (String[] required : new String[][]{{"--config", config == null ? null : ""}, {"--entity", entity},
                {"--from", from}, {"--to", to}}) {
                if (required[1] == null) {
                    throw new IllegalArgumentException(required[0] + " is required");
                }
            }
            if (delete && !verify) {
                throw new IllegalArgumentException("--delete-source needs the verification: leave out --no-verify");
            }
            if (checkpoint == null) {
                String simple = entity.substring(Math.max(entity.lastIndexOf('.'), entity.lastIndexOf('$')) + 1);
                checkpoint = Path.of(simple + "." + from + "-" + to + ".checkpoint");
            }
            return new CopyCommand(config, entity, from, to, batch, checkpoint, resume, verify, delete);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        int run(PrintStream out, PrintStream err, boolean interactive) {
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
