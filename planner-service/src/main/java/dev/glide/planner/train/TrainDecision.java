package dev.glide.planner.train;

import java.util.List;

/**
 * The train machine's answer to one input: the status after it and its outputs, a refusal, or
 * nothing (ignored).
 */
public record TrainDecision(
        TrainStatus status, List<TrainOutput> outputs, String refusal, boolean ignored) {

    public TrainDecision {
        outputs = List.copyOf(outputs);
    }

    static TrainDecision ignore(TrainStatus status) {
        return new TrainDecision(status, List.of(), null, true);
    }

    static TrainDecision refuse(TrainStatus status, String reason) {
        return new TrainDecision(status, List.of(), reason, true);
    }

    public boolean refused() {
        return refusal != null;
    }
}
