package dev.glide.traffic.gateway;

import dev.glide.contract.Arm;
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
public record ServedTraffic(
        Weights weights, List<MatchRule> matchRules, Mirror mirror, List<Arm> arms) {

    public ServedTraffic {
        matchRules = List.copyOf(matchRules);
        arms = arms == null ? List.of() : List.copyOf(arms);
    }

    public ServedTraffic(Weights weights, List<MatchRule> matchRules, Mirror mirror) {
        this(weights, matchRules, mirror, null);
    }

    public ServedTraffic(Weights weights, List<MatchRule> matchRules) {
        this(weights, matchRules, null, null);
    }

    /** Whether this is what the step asked for, within the gateway's rounding of weights. */
    public boolean matches(RolloutStep desired, double tolerance) {
        return Math.abs(weights.canary() - desired.weights().canary()) <= tolerance
                && new HashSet<>(matchRules).equals(new HashSet<>(desired.matchRules()))
                && mirrorMatches(desired.mirror(), tolerance)
                && armsMatch(desired.arms(), tolerance);
    }

    private boolean armsMatch(List<Arm> desired, double tolerance) {
        if (desired.size() != arms.size()) {
            return false;
        }
        for (int i = 0; i < arms.size(); i++) {
            Arm want = desired.get(i);
            Arm got = arms.get(i);
            if (!want.version().equals(got.version())
                    || want.stopped() != got.stopped()
                    || Math.abs(want.percent() - got.percent()) > tolerance
                    || !new HashSet<>(want.match()).equals(new HashSet<>(got.match()))) {
                return false;
            }
        }
        return true;
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
                + (mirror == null ? "" : ", " + mirror.describe())
                + (arms.isEmpty() ? "" : ", arms " + describeArms());
    }

    private String describeArms() {
        StringBuilder text = new StringBuilder();
        for (Arm arm : arms) {
            text.append(text.length() == 0 ? "" : " / ")
                    .append(arm.version())
                    .append(String.format(" %.2f %%", arm.percent()))
                    .append(arm.stopped() ? " (stopped)" : "");
        }
        return text.toString();
    }
}
