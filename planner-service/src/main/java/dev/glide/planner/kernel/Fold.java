package dev.glide.planner.kernel;

/**
 * An aggregate's stored status beside the status folded from its logged inputs; {@code equal} is
 * what replay promises.
 */
public record Fold<S>(S stored, S folded, boolean equal, int inputs) {}
