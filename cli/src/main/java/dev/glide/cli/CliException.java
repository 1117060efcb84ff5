package dev.glide.cli;

/** A failure the user is told about in one line, with the exit code a pipeline can act on. */
final class CliException extends RuntimeException {

    /**
     * The planner refused the request (4xx): a bad argument, no such rollout, not allowed, not now.
     */
    static final int REFUSED = 3;

    /** The planner could not be reached or failed (5xx). */
    static final int UNREACHABLE = 4;

    /** {@code --wait} or {@code watch} ran out of time before the rollout ended. */
    static final int TIMED_OUT = 5;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
