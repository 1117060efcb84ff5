package dev.glide.planner.rollout;

/** A command that makes no sense in the rollout's state; the message says why. */
public class CommandRefusedException extends RuntimeException {

    public CommandRefusedException(String message) {
        super(message);
    }
}
