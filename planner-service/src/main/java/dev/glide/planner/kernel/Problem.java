package dev.glide.planner.kernel;

import java.util.List;

/**
 * A refusal a caller should see: the HTTP status it answers with, what was wrong and each problem
 * (a field, its value and what was expected). Features throw it (or a kind of it); the API layer
 * maps every one the same way, so no feature needs to know the API.
 */
public class Problem extends RuntimeException {

    private final int status;
    private final String error;
    private final List<String> problems;

    public Problem(int status, String error, List<String> problems) {
        super(problems.isEmpty() ? error : error + ": " + String.join("; ", problems));
        this.status = status;
        this.error = error;
        this.problems = List.copyOf(problems);
    }

    public Problem(int status, String error) {
        this(status, error, List.of());
    }

    public int status() {
        return status;
    }

    /** What was wrong, without the problems. */
    public String error() {
        return error;
    }

    public List<String> problems() {
        return problems;
    }
}
