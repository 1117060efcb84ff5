package dev.glide.planner.kernel;

/**
 * An aggregate's state machine: pure, so its log folds to its state again (replay), and every
 * transition is a unit test.
 *
 * @param <S> the status it decides from
 * @param <I> the inputs it is fed, each logged before its outputs
 * @param <O> what it asks for in answer
 */
public interface Machine<S, I, O> {

    Decision<S, O> decide(S status, I input);
}
