package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * Where an analysis's gates find the versions: the stable and canary backends (their endpoints) and
 * the match rules that send a request to the canary through the gateway while the analysis runs
 * (blue-green's preview header, a segment's cookie), so a webhook or a test can reach the new
 * version before any user does.
 */
public record GateTargets(
        @Valid Backend stable, @Valid Backend canary, List<@NotNull @Valid MatchRule> canaryRules) {

    public GateTargets {
        canaryRules =
                canaryRules == null
                        ? List.of()
                        : canaryRules.stream().filter(r -> r.target() == Role.CANARY).toList();
    }
}
