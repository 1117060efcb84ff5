package dev.glide.traffic.gateway;

import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import java.util.HashSet;
import java.util.List;

/**
 * What a gateway really serves for one route, read back from it: the weights, the match rules, and
 * the copies it sends to the canary ({@code mirror}, null when none).
 */
public record ServedTraffic(Weights weights, List<MatchRule> matchRules, Mirror mirror) {

    public ServedTraffic {
        matchRules = List.copyOf(matchRules);
    }

    public ServedTraffic(Weights weights, List<MatchRule> matchRules) {
        this(weights, matchRules, null);
    }

    /** Whether this is what the step asked for, within the gateway's rounding of weights. */
    public boolean matches(RolloutStep desired, double tolerance) {
        return Math.abs(weights.canary() - desired.weights().canary()) <= tolerance
                && new HashSet<>(matchRules).equals(new HashSet<>(desired.matchRules()))
                && mirrorMatches(desired.mirror(), tolerance);
    }

    private boolean mirrorMatches(Mirror desired, double tolerance) {
        if (desired == null || mirror == null) {
            return desired == mirror;
        }
        return Math.abs(desired.percent() - mirror.percent()) <= tolerance
                && new HashSet<>(desired.match()).equals(new HashSet<>(mirror.match()));
    }

    public String describe() {
        return String.format(
                        "stable %.2f %% / canary %.2f %%%s",
                        weights.stable(),
                        weights.canary(),
                        matchRules.isEmpty() ? "" : " with " + matchRules.size() + " match rule(s)")
                + (mirror == null ? "" : ", " + mirror.describe());
    }
}
