package dev.glide.planner.kernel;

/**
 * The answer to a command: accepted or refused, with the reason, and the target's state after it.
 */
public record CommandAnswer(boolean accepted, String message, String state) {}
