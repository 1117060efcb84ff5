package dev.glide.planner.strategy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Gate;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * How a service's releases go out, as a team writes it (on the service, or overriding it on one
 * release).
 *
 * <ul>
 *   <li>{@code canary}: {@code steps} (default 5 -> 25 -> 50 -> 100 % with analysis at each);
 *   <li>{@code blueGreen}: {@code blueGreen} (default: preview header, promote by hand, 10 m
 *       rollback window);
 *   <li>{@code canaryThenBlueGreen}: {@code steps} up to {@code ceiling} %, then the {@code
 *       blueGreen} cutover;
 *   <li>{@code segmentFirst}: {@code segment} users first, then {@code steps} as a canary;
 *   <li>{@code experiment}: the release's variants beside the control, as {@code experiment} says
 *       ({@link ExperimentSpec}); the winner then goes out by {@code steps} (a canary) or at once.
 * </ul>
 *
 * Any of them may declare webhook {@code gates} ({@link Gate}): {@code preRollout} gates are waited
 * on before any user traffic reaches the new version, {@code rollout} gates at every analysis
 * window of the ramp, {@code prePromotion} gates before a blue-green switch, {@code postPromotion}
 * gates once all users are on the new version (a failure returns them to stable), and {@code
 * onAbort} gates are told of an abort once traffic is back on stable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StrategySpec(
        @NotNull Type type,
        List<@NotNull @Valid StepSpec> steps,
        @Valid BlueGreenSpec blueGreen,
        @Valid SegmentSpec segment,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "100", inclusive = false)
                Double ceiling,
        List<@NotNull @Valid Gate> gates,
        @Valid ExperimentSpec experiment) {

    public StrategySpec(
            Type type,
            List<StepSpec> steps,
            BlueGreenSpec blueGreen,
            SegmentSpec segment,
            Double ceiling,
            List<Gate> gates) {
        this(type, steps, blueGreen, segment, ceiling, gates, null);
    }

    public StrategySpec(
            Type type,
            List<StepSpec> steps,
            BlueGreenSpec blueGreen,
            SegmentSpec segment,
            Double ceiling) {
        this(type, steps, blueGreen, segment, ceiling, null);
    }

    /** The gates of one phase, in the order declared. */
    public List<Gate> gates(String phase) {
        return gates == null
                ? List.of()
                : gates.stream().filter(g -> phase.equals(g.phase())).toList();
    }

    /** The strategies; JSON names as written here. */
    public enum Type {
        canary,
        blueGreen,
        canaryThenBlueGreen,
        segmentFirst,
        experiment
    }

    /** The canary ceiling of canaryThenBlueGreen when none is given, in percent. */
    public static final double DEFAULT_CEILING = 20;

    /** What a service that names no strategy gets. */
    public static StrategySpec defaults() {
        return canary(null);
    }

    public static StrategySpec canary(List<StepSpec> steps) {
        return new StrategySpec(Type.canary, steps, null, null, null);
    }

    /** The default canary ramp: 5, 25, 50, 100 %, with analysis after every weight but the last. */
    public static List<StepSpec> defaultSteps() {
        AnalysisSpec analysis = AnalysisSpec.defaults();
        return List.of(
                StepSpec.weight(5),
                StepSpec.analyse(analysis),
                StepSpec.weight(25),
                StepSpec.analyse(analysis),
                StepSpec.weight(50),
                StepSpec.analyse(analysis),
                StepSpec.weight(100));
    }
}
