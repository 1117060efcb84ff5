package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;

/**
 * A gate a service's strategy declares: a webhook (an HTTP POST of the rollout's facts to {@code
 * url} at its {@code phase}; a 2xx answer within {@code timeout} passes, anything else (another
 * status, a timeout, a refused connection) fails after {@code retries} more tries), or a smoke or
 * load {@code test} Glide runs against the new version itself. A failed gate aborts the rollout or
 * pauses it ({@code onFailure}).
 *
 * @param name how the gate is shown in the history and verdicts
 * @param phase {@code preRollout} (before any user traffic), {@code prePromotion} (blue-green:
 *     before the switch), {@code rollout} (at each analysis window), {@code postPromotion} (once
 *     all users are on the new version, while stable still stands by: a failure returns them to
 *     stable), {@code onAbort} (a webhook told once the rollout was aborted and traffic is back on
 *     stable; never waited on, its answer changes nothing)
 * @param url where to POST (http or https), for a webhook gate
 * @param test the requests Glide sends itself, for a smoke or load test gate ({@link GateTest})
 * @param timeout each try's limit (default 5s)
 * @param retries tries after the first that failed (default 1)
 * @param onFailure {@code abort} (default) or {@code pause}
 */
public record Gate(
        @NotBlank String name,
        @NotNull
                @Pattern(
                        regexp = "preRollout|prePromotion|rollout|postPromotion|onAbort",
                        message =
                                "must be preRollout, prePromotion, rollout, postPromotion or"
                                        + " onAbort")
                String phase,
        @Pattern(
                        regexp = "https?://[^\\s/?#]+[^\\s]*",
                        message = "must be an http or https URL such as http://tests.internal/gate")
                String url,
        @Valid GateTest test,
        @Pattern(regexp = Durations.PATTERN, message = "must be a duration such as 500ms, 5s or 1m")
                String timeout,
        @Min(0) @Max(10) Integer retries,
        @Pattern(regexp = "abort|pause", message = "must be abort or pause") String onFailure) {

    public static final String PRE_ROLLOUT = "preRollout";
    public static final String PRE_PROMOTION = "prePromotion";
    public static final String ROLLOUT = "rollout";
    public static final String POST_PROMOTION = "postPromotion";
    public static final String ON_ABORT = "onAbort";

    public Gate {
        timeout = timeout == null ? "5s" : timeout;
        retries = retries == null ? 1 : retries;
        onFailure = onFailure == null ? "abort" : onFailure;
    }

    /** A webhook gate, as before tests: its url, no test. */
    public Gate(
            String name,
            String phase,
            String url,
            String timeout,
            Integer retries,
            String onFailure) {
        this(name, phase, url, null, timeout, retries, onFailure);
    }

    @JsonIgnore
    @AssertTrue(
            message =
                    "must be either a webhook (url) or a test Glide runs (test), exactly one of them")
    public boolean isWebhookOrTest() {
        return (url == null) != (test == null);
    }

    /** {@code webhook}, {@code smoke} or {@code load}. */
    @JsonIgnore
    public String kind() {
        return test == null ? "webhook" : test.kind();
    }

    public Duration timeoutDuration() {
        return Durations.parse(timeout);
    }

    /** Whether the gate is only told (onAbort): nothing waits on its answer. */
    @JsonIgnore
    public boolean told() {
        return ON_ABORT.equals(phase);
    }

    public boolean pausesOnFailure() {
        return "pause".equals(onFailure);
    }
}
