package dev.glide.planner.strategy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Durations;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One step of a canary ramp, written as Argo Rollouts users know it: exactly one of {@code
 * {"setWeight": 25}}, {@code {"pause": {"duration": "10m"}}}, {@code {"pause": {}}} (until
 * promoted) or {@code {"analysis": {...}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepSpec(
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") Double setWeight,
        @Valid PauseSpec pause,
        @Valid AnalysisSpec analysis) {

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
    @AssertTrue(message = "must hold exactly one of setWeight, pause or analysis")
    public boolean isExactlyOneKind() {
        return Stream.of(setWeight, pause, analysis).filter(Objects::nonNull).count() == 1;
    }

    /** A pause; without a duration it waits for a promote command. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PauseSpec(
            @jakarta.validation.constraints.Pattern(
                            regexp = Durations.PATTERN,
                            message = "must be a duration such as 30s, 10m or 1h")
                    String duration) {}
}
