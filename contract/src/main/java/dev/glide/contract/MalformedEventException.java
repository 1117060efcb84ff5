package dev.glide.contract;

import java.util.List;

/**
 * A record that cannot be parsed or fails validation. Its message names every bad field and why,
 * and becomes the {@code dead-letter-reason} header when the record is dead-lettered. It is never
 * worth retrying.
 */
public class MalformedEventException extends RuntimeException {

    private final List<String> problems;

    public MalformedEventException(String eventType, List<String> problems) {
        super("malformed " + eventType + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Each problem on its own, e.g. {@code "weights.canary: must be less than or equal to 100"}.
     */
    public List<String> problems() {
        return problems;
    }
}
