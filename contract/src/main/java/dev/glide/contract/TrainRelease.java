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
 * A release of several services as one train, on {@link Topics#RELEASE_EVENTS} (told from a single
 * release by its {@code members}) or {@code POST /api/trains}. Each member is canaried by its own
 * service's strategy, starting only once the members it depends on have passed their gates; then
 * all are cut over together, dependencies first.
 *
 * @param name what people call the train, e.g. "checkout 2026.11"; also its record key
 * @param eventId the producer's id for this event; the same id twice is one train
 * @param idempotencyKey the same key twice is one train, whatever the event ids
 * @param cutover how the joint cutover goes (default: as soon as every member passed, 10 m rollback
 *     window)
 */
public record TrainRelease(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        String eventId,
        @NotBlank String name,
        @NotBlank String environment,
        @NotEmpty List<@NotNull @Valid Member> members,
        @Valid Cutover cutover,
        String idempotencyKey,
        Instant occurredAt)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public TrainRelease {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        members = members == null ? null : List.copyOf(members);
    }

    @Override
    public String recordKey() {
        return name;
    }

    /**
     * One service's release in the train.
     *
     * @param dependsOn the services of this train whose gates must pass before this one starts its
     *     canary
     * @param strategy a strategy type overriding the service's own for its canary phase, or null
     */
    public record Member(
            @NotBlank String service,
            @NotBlank String version,
            @NotEmpty List<@NotBlank String> endpoints,
            String artifact,
            String strategy,
            List<@NotBlank String> dependsOn) {

        public Member {
            endpoints = endpoints == null ? null : List.copyOf(endpoints);
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        }
    }

    /**
     * @param autoPromote cut over as soon as every member passed its gates (true, the default), or
     *     wait for promote
     * @param rollbackWindow how long after the cutover one abort returns every member to stable
     *     (default 10m)
     */
    public record Cutover(Boolean autoPromote, String rollbackWindow) {

        public boolean automatic() {
            return autoPromote == null || autoPromote;
        }

        public String window() {
            return rollbackWindow == null ? "10m" : rollbackWindow;
        }
    }
}
