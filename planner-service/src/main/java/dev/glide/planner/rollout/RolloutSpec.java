package dev.glide.planner.rollout;

import dev.glide.contract.Backend;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.ReleaseEvent;
import dev.glide.planner.strategy.StrategySpec;

/**
 * What one rollout follows, fixed when it is created: the release, the service's gateway binding
 * and stable version as they were then, the strategy, and the team that owns the service (for
 * notifications and approvals; null in rollouts stored before it was kept). Re-registering the
 * service later does not change a running rollout. {@code trainId} names the release train the
 * rollout is a member of (its plan then ends in the train's gates), or null.
 */
public record RolloutSpec(
        ReleaseEvent release,
        GatewayBinding gateway,
        Backend stable,
        StrategySpec strategy,
        String team,
        String trainId) {

    public RolloutSpec(
            ReleaseEvent release,
            GatewayBinding gateway,
            Backend stable,
            StrategySpec strategy,
            String team) {
        this(release, gateway, stable, strategy, team, null);
    }

    /**
     * The same rollout from another stable version (a queued release starts from the stable version
     * of its day).
     */
    public RolloutSpec from(Backend newStable) {
        return new RolloutSpec(release, gateway, newStable, strategy, team, trainId);
    }

    public Backend canary() {
        return new Backend(release.version(), release.endpoints());
    }

    /** One of the release's versions (an experiment's variant) by its version. */
    public Backend variant(String version) {
        return release.versions().stream()
                .filter(b -> b.version().equals(version))
                .findFirst()
                .orElse(canary());
    }
}
