package dev.glide.planner.rollout;

import dev.glide.planner.kernel.Problem;

/** A request named a rollout that does not exist. */
public class UnknownRolloutException extends Problem {

    public UnknownRolloutException(String id) {
        super(404, "no rollout with id '" + id + "'");
    }
}
