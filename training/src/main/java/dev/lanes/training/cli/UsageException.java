package dev.lanes.training.cli;

/** A bad command line: the CLI prints the message as one line on stderr and exits with status 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
