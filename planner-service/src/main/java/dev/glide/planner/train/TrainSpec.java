package dev.glide.planner.train;

import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.TrainRelease;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * What one train follows, fixed when it is released: the release as received and the team owning
 * each member's service then (for approvals and notifications).
 */
public record TrainSpec(TrainRelease release, Map<String, String> teams) {

    public TrainSpec {
        teams = Map.copyOf(teams);
    }

    public TrainPlan plan() {
        return TrainPlan.of(release);
    }

    public TrainRelease.Member member(String service) {
        return release.members().stream()
                .filter(m -> m.service().equals(service))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "train " + release.name() + " has no member " + service));
    }

    /** The one team owning every member, or null when they differ. */
    public String team() {
        return teams.values().stream().distinct().count() == 1
                ? teams.values().iterator().next()
                : null;
    }

    /**
     * The release that starts one member's rollout; its key makes starting it twice start it once.
     */
    public ReleaseEvent releaseOf(String trainId, String service) {
        TrainRelease.Member member = member(service);
        return new ReleaseEvent(
                ReleaseEvent.SCHEMA_VERSION,
                null,
                member.service(),
                member.version(),
                release.environment(),
                member.artifact(),
                member.endpoints(),
                member.strategy(),
                trainId + ":" + member.service(),
                release.occurredAt());
    }

    /**
     * A member's rollout id: fixed by the train and the service, so it is known before the rollout
     * exists.
     */
    public static String memberRolloutId(String trainId, String service) {
        return UUID.nameUUIDFromBytes((trainId + "/" + service).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
