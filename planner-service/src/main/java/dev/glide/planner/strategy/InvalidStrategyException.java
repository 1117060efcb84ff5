package dev.glide.planner.strategy;

import dev.glide.planner.kernel.Problem;
import java.util.List;

/**
 * A strategy that cannot be planned; each problem names its field, e.g. {@code steps[2].setWeight:
 * ...}.
 */
public class InvalidStrategyException extends Problem {

    public InvalidStrategyException(List<String> problems) {
        super(400, "invalid strategy", problems);
    }
}
