package io.polystore.bench;

/** A usage error: bad arguments, an unknown workload or property. The CLI prints it and exits with 2. */
public final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what to do instead */
    public BenchException(String message) {
        super(message);
    }
}
