package dev.glide.planner.strategy;

import java.util.List;

/**
 * A strategy that cannot be planned; each problem names its field, e.g. {@code steps[2].setWeight:
 * ...}.
 */
public class InvalidStrategyException extends RuntimeException {

    private final List<String> problems;

    public InvalidStrategyException(List<String> problems) {
        super("invalid strategy: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
