package dev.glide.planner.train;

/** No train has this id. */
public class UnknownTrainException extends RuntimeException {

    public UnknownTrainException(String trainId) {
        super("no release train " + trainId);
    }
}
