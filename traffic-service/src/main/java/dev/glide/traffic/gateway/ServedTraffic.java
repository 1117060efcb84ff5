package dev.glide.traffic.gateway;

import dev.glide.contract.MatchRule;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import java.util.HashSet;
import java.util.List;

/** What a gateway really serves for one route, read back from it. */
public record ServedTraffic(Weights weights, List<MatchRule> matchRules) {

    public ServedTraffic {
        matchRules = List.copyOf(matchRules);
    }

    /** Whether this is what the step asked for, within the gateway's rounding of weights. */
    public boolean matches(RolloutStep desired, double tolerance) {
        return Math.abs(weights.canary() - desired.weights().canary()) <= tolerance
                && new HashSet<>(matchRules).equals(new HashSet<>(desired.matchRules()));
    }

    public String describe() {
        return String.format(
                "stable %.2f %% / canary %.2f %%%s",
                weights.stable(),
                weights.canary(),
                matchRules.isEmpty() ? "" : " with " + matchRules.size() + " match rule(s)");
    }
}
