package dev.glide.analysis.source;

/** Whose metrics a source is asked for: the rollout, its service and its two versions. */
public record AnalysedRollout(
        String rolloutId, String service, String stableVersion, String canaryVersion) {}
