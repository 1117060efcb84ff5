package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
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
 * @param variants for an experiment, the versions tried beside this one (each with its endpoints);
 *     empty otherwise
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
        Instant occurredAt,
        List<@NotNull @Valid Backend> variants)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public ReleaseEvent {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
        variants = variants == null ? List.of() : List.copyOf(variants);
    }

    public ReleaseEvent(
            int schemaVersion,
            String eventId,
            String service,
            String version,
            String environment,
            String artifact,
            List<String> endpoints,
            String strategy,
            String idempotencyKey,
            Instant occurredAt) {
        this(
                schemaVersion,
                eventId,
                service,
                version,
                environment,
                artifact,
                endpoints,
                strategy,
                idempotencyKey,
                occurredAt,
                null);
    }

    /** Every version this release brings: its own, then its variants'. */
    public List<Backend> versions() {
        List<Backend> all = new java.util.ArrayList<>();
        all.add(new Backend(version, endpoints));
        all.addAll(variants);
        return all;
    }

    @Override
    public String recordKey() {
        return service;
    }
}
