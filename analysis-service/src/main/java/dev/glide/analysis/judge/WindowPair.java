package dev.glide.analysis.judge;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** One analysis window: the baseline (stable) and the canary side by side. */
public record WindowPair(@NotNull @Valid Sample baseline, @NotNull @Valid Sample canary) {}
