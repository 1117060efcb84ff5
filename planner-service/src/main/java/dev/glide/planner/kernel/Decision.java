package dev.glide.planner.kernel;

import java.util.List;

/**
 * A machine's answer to one input: the status after it and the outputs to log and act on, or a
 * refusal (a command that makes no sense now, with the reason to tell whoever gave it), or nothing
 * at all (a stale or repeated input, which is not logged).
 *
 * @param <S> the aggregate's status
 * @param <O> the outputs its machine asks for
 */
public record Decision<S, O>(S status, List<O> outputs, String refusal, boolean ignored) {

    public Decision {
        outputs = List.copyOf(outputs);
    }

    public static <S, O> Decision<S, O> of(S status, List<O> outputs) {
        return new Decision<>(status, outputs, null, false);
    }

    public static <S, O> Decision<S, O> ignore(S status) {
        return new Decision<>(status, List.of(), null, true);
    }

    public static <S, O> Decision<S, O> refuse(S status, String reason) {
        return new Decision<>(status, List.of(), reason, true);
    }

    public boolean refused() {
        return refusal != null;
    }
}
