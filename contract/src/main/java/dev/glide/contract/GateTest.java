package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;

/**
 * Requests Glide sends to the new version itself, so nobody has to run a load tester: a {@code
 * smoke} test fails its gate on the first answer that is not the expected one; a {@code load}
 * test's requests count as canary traffic for the analysis it runs beside, so a quiet service
 * reaches a verdict (its answers are judged by the analysis, not by the gate).
 *
 * @param kind {@code smoke} (default) or {@code load}
 * @param requests how many a smoke test sends (default 10); a load test sends for its duration
 * @param rate requests a second (default 10 for smoke, 5 for load)
 * @param duration how long a load test sends (default: until its analysis's last window ends)
 * @param method the HTTP method (default GET)
 * @param path the request's path and query, from the target's root (default {@code /})
 * @param headers extra request headers
 * @param body the request's body, for POST or PUT
 * @param expectStatus the status a right answer has (default: any 2xx)
 * @param bodyContains a text a right answer's body holds
 * @param url send through this gateway address (with the route's canary match rules, such as
 *     blue-green's preview header, as headers and cookies) instead of straight to the canary's
 *     endpoints (the default)
 */
public record GateTest(
        @Pattern(regexp = "smoke|load", message = "must be smoke or load") String kind,
        @Min(1) @Max(100_000) Integer requests,
        @Positive @Max(1_000) Double rate,
        @Pattern(
                        regexp = Durations.PATTERN,
                        message = "must be a duration such as 500ms, 30s or 5m")
                String duration,
        @Pattern(
                        regexp = "GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS",
                        message = "must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS")
                String method,
        @Pattern(
                        regexp = "/[^\\s]*",
                        message = "must start with / and hold no spaces, such as /health")
                String path,
        Map<@NotBlank String, @NotBlank String> headers,
        @Size(max = 65_536) String body,
        @Min(100) @Max(599) Integer expectStatus,
        String bodyContains,
        @Pattern(
                        regexp = "https?://[^\\s/?#]+",
                        message = "must be a gateway address such as http://gateway.internal:8080")
                String url) {

    public static final String SMOKE = "smoke";
    public static final String LOAD = "load";

    public GateTest {
        kind = kind == null ? SMOKE : kind;
        method = method == null ? "GET" : method;
        path = path == null ? "/" : path;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        requests = requests == null ? 10 : requests;
        rate = rate == null ? (LOAD.equals(kind) ? 5.0 : 10.0) : rate;
    }

    @JsonIgnore
    public boolean isLoad() {
        return LOAD.equals(kind);
    }

    /** How long a load test sends at most; null: until its analysis ends. */
    @JsonIgnore
    public Duration durationOrNull() {
        return duration == null ? null : Durations.parse(duration);
    }

    /** Whether an answer with this status is the expected one. */
    public boolean expects(int status) {
        return expectStatus == null ? status / 100 == 2 : status == expectStatus;
    }

    @JsonIgnore
    @AssertTrue(
            message =
                    "takes a duration only as a load test (kind load); a smoke test sends its requests")
    public boolean isDurationForLoad() {
        return duration == null || LOAD.equals(kind);
    }
}
