package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

/**
 * A traffic split in percent. Fractions are allowed because a gateway may serve 5.08 % when asked
 * for 5 % (HAProxy's weights are integers out of 256), and the read-back reports what is really
 * served.
 */
public record Weights(
        @DecimalMin("0") @DecimalMax("100") double stable,
        @DecimalMin("0") @DecimalMax("100") double canary) {

    private static final double TOLERANCE = 0.01;

    public static Weights allStable() {
        return new Weights(100, 0);
    }

    public static Weights canaryPercent(double canary) {
        return new Weights(100 - canary, canary);
    }

    @JsonIgnore
    @AssertTrue(message = "stable and canary must add up to 100")
    public boolean isComplete() {
        return Math.abs(stable + canary - 100) <= TOLERANCE;
    }
}
