package dev.glide.traffic.gateway;

import dev.glide.contract.MatchRule;
import dev.glide.contract.Weights;
import java.util.List;

/** What a gateway really serves for one route, read back from it. */
public record ServedTraffic(Weights weights, List<MatchRule> matchRules) {

    public ServedTraffic {
        matchRules = List.copyOf(matchRules);
    }
}
