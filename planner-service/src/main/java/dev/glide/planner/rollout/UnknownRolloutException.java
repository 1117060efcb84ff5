package dev.glide.planner.rollout;

/** A request named a rollout that does not exist. */
public class UnknownRolloutException extends RuntimeException {

    public UnknownRolloutException(String id) {
        super("no rollout with id '" + id + "'");
    }
}
