package dev.glide.planner.train;

import dev.glide.planner.kernel.Problem;

/** No train has this id. */
public class UnknownTrainException extends Problem {

    public UnknownTrainException(String trainId) {
        super(404, "no release train " + trainId);
    }
}
