package dev.glide.analysis.judge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.PositiveOrZero;

/** Default analysis criteria, validated at start-up so a bad value fails fast with its key in the message. */
@ConfigMapping(prefix = "glide.analysis")
public interface AnalysisConfig {

    /** The highest canary error rate that passes (0.01 = 1 %). */
    @WithDefault("0.01")
    @DecimalMin("0")
    @DecimalMax("1")
    double maxErrorRate();

    /** Fewer canary requests than this in a window is too little evidence: INCONCLUSIVE, never PASS. */
    @WithDefault("50")
    @PositiveOrZero
    long minRequests();
}
