package dev.glide.planner.service;

/**
 * What a release does when its service already has a rollout running. Never two rollouts move one
 * service at once.
 */
public enum ReleasePolicy {
    /** Wait: the new rollout starts when the running one ends. */
    queue,
    /** Abort the running rollout (its traffic returns to stable), then start the new one. */
    supersede
}
