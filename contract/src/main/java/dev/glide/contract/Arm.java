package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * One arm of an experiment's traffic: a version, its share of the users that no arm's rules place
 * (in percent), and rules that place users in it whatever the shares (beta testers, a region). The
 * arms of a step are its control first (the stable version), then its variants. A rule's {@code
 * target} is the arm's side: STABLE for the control, CANARY for a variant.
 *
 * <p>Users are placed by a bucket of their sticky key over the arms' percents in order, so a user
 * keeps one arm for the experiment's life. A {@code stopped} variant (one that failed its
 * guardrail) keeps its place among the buckets, and its users (and those its rules place) are
 * served by the control: stopping one variant moves no user of another.
 */
public record Arm(
        @NotNull @Valid Backend backend,
        @DecimalMin("0") @DecimalMax("100") double percent,
        List<@NotNull @Valid MatchRule> match,
        boolean stopped) {

    public Arm {
        match = match == null ? List.of() : List.copyOf(match);
    }

    public Arm(Backend backend, double percent) {
        this(backend, percent, List.of(), false);
    }

    /** This arm, stopped: its users go to the control. */
    public Arm stop() {
        return new Arm(backend, percent, match, true);
    }

    public String version() {
        return backend.version();
    }
}
