package dev.glide.planner.strategy;

import dev.glide.contract.MatchRule;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The first segment of a segment-first rollout: only requests matching {@code match} (beta testers,
 * a region) reach the canary, each user kept on one version by {@code stickyKey} (a header or
 * cookie naming the user).
 */
public record SegmentSpec(
        @NotEmpty List<@NotNull @Valid MatchRule> match, @NotBlank String stickyKey) {}
