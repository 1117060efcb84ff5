package dev.glide.planner.rollout;

import java.util.List;

/**
 * The machine's answer to one input: the status after it and the outputs to log and act on, or a
 * refusal (a command that makes no sense now, with the reason to tell whoever gave it), or nothing
 * at all (a stale or repeated input, which is not logged).
 */
public record Decision(
        RolloutStatus status, List<MachineOutput> outputs, String refusal, boolean ignored) {

    public Decision {
        outputs = List.copyOf(outputs);
    }

    static Decision ignore(RolloutStatus status) {
        return new Decision(status, List.of(), null, true);
    }

    static Decision refuse(RolloutStatus status, String reason) {
        return new Decision(status, List.of(), reason, true);
    }

    public boolean refused() {
        return refusal != null;
    }
}
