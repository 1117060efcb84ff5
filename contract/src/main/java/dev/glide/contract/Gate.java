package dev.glide.contract;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;

/**
 * A webhook gate a service's strategy declares: an HTTP POST of the rollout's facts to {@code url}
 * at its {@code phase}; a 2xx answer within {@code timeout} passes, anything else (another status,
 * a timeout, a refused connection) fails after {@code retries} more tries, and the rollout then
 * aborts or pauses ({@code onFailure}).
 *
 * @param name how the gate is shown in the history and verdicts
 * @param phase {@code preRollout} (before any user traffic), {@code prePromotion} (blue-green:
 *     before the switch), {@code rollout} (at each analysis window)
 * @param url where to POST (http or https)
 * @param timeout each try's limit (default 5s)
 * @param retries tries after the first that failed (default 1)
 * @param onFailure {@code abort} (default) or {@code pause}
 */
public record Gate(
        @NotBlank String name,
        @NotNull
                @Pattern(
                        regexp = "preRollout|prePromotion|rollout",
                        message = "must be preRollout, prePromotion or rollout")
                String phase,
        @NotNull
                @Pattern(
                        regexp = "https?://[^\\s/?#]+[^\\s]*",
                        message = "must be an http or https URL such as http://tests.internal/gate")
                String url,
        @Pattern(regexp = Durations.PATTERN, message = "must be a duration such as 500ms, 5s or 1m")
                String timeout,
        @Min(0) @Max(10) Integer retries,
        @Pattern(regexp = "abort|pause", message = "must be abort or pause") String onFailure) {

    public static final String PRE_ROLLOUT = "preRollout";
    public static final String PRE_PROMOTION = "prePromotion";
    public static final String ROLLOUT = "rollout";

    public Gate {
        timeout = timeout == null ? "5s" : timeout;
        retries = retries == null ? 1 : retries;
        onFailure = onFailure == null ? "abort" : onFailure;
    }

    public Duration timeoutDuration() {
        return Durations.parse(timeout);
    }

    public boolean pausesOnFailure() {
        return "pause".equals(onFailure);
    }
}
