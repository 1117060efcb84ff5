package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * Copies of requests sent to the canary while users get the answers of the version the weights and
 * match rules chose: {@code percent} of the requests (of those that match {@code match}, when
 * given). The gateway discards the canary's answers to the copies but counts them as the canary's
 * traffic, so the analysis judges the canary on real requests before any user sees it.
 */
public record Mirror(
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") double percent,
        List<@NotNull @Valid MatchRule> match) {

    /** The rules only choose which requests are copied: each is read as sending to the canary. */
    public Mirror {
        match =
                match == null
                        ? List.of()
                        : match.stream()
                                .map(
                                        rule ->
                                                rule == null || rule.target() == Role.CANARY
                                                        ? rule
                                                        : new MatchRule(
                                                                rule.kind(),
                                                                rule.name(),
                                                                rule.value(),
                                                                Role.CANARY))
                                .toList();
    }

    public String describe() {
        return String.format("a copy of %.2f %%", percent)
                + (match.isEmpty() ? "" : " of requests matching " + match.size() + " rule(s)")
                + " to the canary";
    }
}
