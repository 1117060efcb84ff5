package dev.glide.planner.strategy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Durations;
import dev.glide.contract.Mirror;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One step of a canary ramp, written as Argo Rollouts users know it: exactly one of {@code
 * {"setWeight": 25}}, {@code {"pause": {"duration": "10m"}}}, {@code {"pause": {}}} (until
 * promoted), {@code {"analysis": {...}}} or {@code {"mirror": {"percent": 20}}} (copies of that
 * share of requests, optionally of those matching {@code match}, to the canary, whose answers
 * nobody sees, until the next weight; the analysis after it judges the canary on them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepSpec(
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") Double setWeight,
        @Valid PauseSpec pause,
        @Valid AnalysisSpec analysis,
        @Valid Mirror mirror) {

    public StepSpec(Double setWeight, PauseSpec pause, AnalysisSpec analysis) {
        this(setWeight, pause, analysis, null);
    }

    public static StepSpec weight(double percent) {
        return new StepSpec(percent, null, null);
    }

    public static StepSpec pauseFor(String duration) {
        return new StepSpec(null, new PauseSpec(duration), null);
    }

    public static StepSpec pauseUntilPromoted() {
        return new StepSpec(null, new PauseSpec(null), null);
    }

    public static StepSpec analyse(AnalysisSpec analysis) {
        return new StepSpec(null, null, analysis);
    }

    @JsonIgnore
    @AssertTrue(message = "must hold exactly one of setWeight, pause, analysis or mirror")
    public boolean isExactlyOneKind() {
        return Stream.of(setWeight, pause, analysis, mirror).filter(Objects::nonNull).count() == 1;
    }

    /** A pause; without a duration it waits for a promote command. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PauseSpec(
            @jakarta.validation.constraints.Pattern(
                            regexp = Durations.PATTERN,
                            message = "must be a duration such as 30s, 10m or 1h")
                    String duration) {}
}
