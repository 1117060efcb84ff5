package dev.glide.planner.kernel;

import dev.glide.contract.RolloutCommand;

/**
 * What one kind of event-sourced aggregate (a rollout, a release train) gives the {@link Kernel}:
 * how to lock and read its row, its machine, and what its outputs do. Everything else (the log, the
 * outbox, each command once, the fold) the kernel does the same way for every kind.
 *
 * @param <R> its row
 * @param <S> its machine's status
 * @param <I> its machine's inputs
 * @param <O> its machine's outputs
 */
public interface Aggregate<R extends AggregateRow, S, I, O> {

    /** The kind's name in the log, the outbox and log lines: {@code rollout}, {@code train}. */
    String kind();

    /** The inputs' type, to read them back from the log. */
    Class<I> inputType();

    /** The row, locked until the transaction ends (a {@link Problem} 404 when there is none). */
    R lock(String id);

    /** The row as it is, unlocked (a {@link Problem} 404 when there is none). */
    R find(String id);

    Machine<S, I, O> machine(R row);

    S status(R row);

    /** The status its log folds from. */
    S initial(R row);

    /** The state a command's answer names. */
    String state(R row);

    /** The input a command becomes. */
    I command(RolloutCommand command);

    /** The input a timer it asked for ({@link Kernel.Effects#startTimer}) becomes when it fires. */
    I timerFired(String name, int epoch);

    /**
     * Before a decision's outputs are carried out one by one: a chance to do at once what each
     * would do alone (a train locks every member it acts on in one go). Nothing by default.
     */
    default void prepare(R row, Decision<S, O> decision) {}

    /**
     * Carries out one output of a decision in the decision's transaction: logs it through {@code
     * effects} (with the sequence the machine gave it), or acts on it.
     */
    void carryOut(R row, O output, S after, Kernel.Effects effects);

    /** Writes the decided status onto the row, and tells whoever must hear of the change. */
    void settle(R row, S before, Decision<S, O> decision);
}
