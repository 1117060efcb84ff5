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

    /** The window of one side, or null when the gateway saw none of its traffic. */
    public VersionWindow of(Role role) {
        return versions.stream().filter(v -> v.role() == role).findFirst().orElse(null);
    }

    /** What one version served in the window. */
    public record VersionWindow(
            @NotNull Role role,
            @NotBlank String version,
            @PositiveOrZero long requests,
            @PositiveOrZero long errors,
            @Valid LatencyHistogram latency) {

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
