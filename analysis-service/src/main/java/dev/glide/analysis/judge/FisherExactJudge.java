package dev.glide.analysis.judge;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The error-rate comparison by Fisher's exact test: P(canary errors >= observed). It never rejects
 * more often than its level, and at the small counts of a quiet canary far less often (the observed
 * table counts wholly), which costs regressions caught; {@link FisherMidPJudge} is the default for
 * that reason.
 */
@ApplicationScoped
public class FisherExactJudge extends ErrorRateJudge {

    @Override
    public String type() {
        return "fisher-exact";
    }

    @Override
    double pValue(Sample baseline, Sample canary) {
        return exact(baseline, canary);
    }

    /** Fisher's exact one-sided p-value (1 when there were no errors at all). */
    static double exact(Sample baseline, Sample canary) {
        Conditional conditional = conditional(baseline, canary);
        return conditional == null ? 1 : conditional.atLeast();
    }
}
