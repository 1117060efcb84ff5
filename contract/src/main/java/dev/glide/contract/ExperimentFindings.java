package dev.glide.contract;

import dev.glide.contract.ExperimentDesign.GoalUnit;
import java.util.List;

/**
 * An experiment's standing after one window, on its {@link AnalysisVerdict}: every arm's goal rate
 * with its interval, each variant's lift over the control with its interval and always-valid
 * p-value (corrected for the number of variants), each variant's guardrail, and the decision.
 *
 * @param arms the control first, then the variants
 * @param guardrailFailed variants that failed a guardrail at this window: to be stopped (their
 *     users go back to the control) while the others go on
 * @param winner the variant declared the winner, or null while none is
 */
public record ExperimentFindings(
        String goal,
        GoalUnit per,
        List<ArmFinding> arms,
        List<String> guardrailFailed,
        String winner) {

    public ExperimentFindings {
        arms = arms == null ? List.of() : List.copyOf(arms);
        guardrailFailed = guardrailFailed == null ? List.of() : List.copyOf(guardrailFailed);
    }

    /**
     * One arm.
     *
     * @param units users (or requests) so far; {@code conversions} of them reached the goal
     * @param rateLow the rate's anytime-valid interval
     * @param lift the variant's rate over the control's, minus 1 (null for the control)
     * @param pValue always-valid, corrected for the number of variants (null for the control)
     * @param outcome BETTER, WORSE or UNDECIDED against the control (null for the control)
     * @param guardrail PASS, FAIL or INCONCLUSIVE on the guardrails (null for the control), with
     *     {@code guardrailSummary} saying why
     */
    public record ArmFinding(
            String version,
            boolean stopped,
            long units,
            long conversions,
            double rate,
            double rateLow,
            double rateHigh,
            Double lift,
            Double liftLow,
            Double liftHigh,
            Double pValue,
            String outcome,
            String guardrail,
            String guardrailSummary) {}
}
