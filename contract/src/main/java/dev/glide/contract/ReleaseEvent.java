package dev.glide.contract;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.time.Instant;
import java.util.List;

/**
 * A team's request to release one version of one service into one environment, on {@link
 * Topics#RELEASE_EVENTS}.
 *
 * @param eventId the producer's id for this event; the same id twice is one release
 * @param artifact what was built, e.g. a package URL {@code pkg:oci/myapp@sha256:...}
 * @param endpoints where the new version runs (URLs or host:port)
 * @param strategy a strategy name that overrides the service's own for this release, or null
 * @param idempotencyKey the same key twice is one rollout, whatever the event ids
 */
public record ReleaseEvent(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        String eventId,
        @NotBlank String service,
        @NotBlank String version,
        @NotBlank String environment,
        String artifact,
        @NotEmpty List<@NotBlank String> endpoints,
        String strategy,
        String idempotencyKey,
        Instant occurredAt)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public ReleaseEvent {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
    }

    @Override
    public String recordKey() {
        return service;
    }
}
