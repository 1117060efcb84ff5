package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One window of traffic as a gateway or collector saw it, per version, on {@link
 * Topics#TRAFFIC_METRICS}.
 *
 * @param source which gateway or collector measured it (for evidence)
 */
public record TrafficMetrics(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String rolloutId,
        @NotBlank String service,
        @NotNull Instant windowStart,
        @NotNull Instant windowEnd,
        String source,
        @NotEmpty List<@NotNull @Valid VersionWindow> versions)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public TrafficMetrics {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        versions = versions == null ? null : List.copyOf(versions);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }

    @JsonIgnore
    @AssertTrue(message = "windowEnd must be after windowStart")
    public boolean isWindowOrdered() {
        return windowStart == null || windowEnd == null || windowEnd.isAfter(windowStart);
    }

    /** The window of one version, or null when the gateway saw none of its traffic. */
    public VersionWindow of(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst().orElse(null);
    }

    /** The window of one side, or null when the gateway saw none of its traffic. */
    public VersionWindow of(Role role) {
        return versions.stream().filter(v -> v.role() == role).findFirst().orElse(null);
    }

    /**
     * What one version served in the window.
     *
     * @param goals of this window's requests, how many the application marked as reaching each goal
     *     (its answer's {@code X-Glide-Goal} header), by goal
     * @param users distinct users (by the route's sticky key) this gateway has seen on this version
     *     since the rollout began: cumulative, not this window's; null when the route has no sticky
     *     key
     * @param goalUsers of those users, how many reached each goal at least once (cumulative)
     */
    public record VersionWindow(
            @NotNull Role role,
            @NotBlank String version,
            @PositiveOrZero long requests,
            @PositiveOrZero long errors,
            @Valid LatencyHistogram latency,
            Map<String, @NotNull @PositiveOrZero Long> goals,
            @PositiveOrZero Long users,
            Map<String, @NotNull @PositiveOrZero Long> goalUsers) {

        public VersionWindow {
            goals = goals == null ? Map.of() : Map.copyOf(goals);
            goalUsers = goalUsers == null ? Map.of() : Map.copyOf(goalUsers);
        }

        /** A window without goals. */
        public VersionWindow(
                Role role, String version, long requests, long errors, LatencyHistogram latency) {
            this(role, version, requests, errors, latency, null, null, null);
        }

        @JsonIgnore
        @AssertTrue(message = "errors cannot exceed requests")
        public boolean isErrorsWithinRequests() {
            return errors <= requests;
        }

        @JsonIgnore
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }
}
