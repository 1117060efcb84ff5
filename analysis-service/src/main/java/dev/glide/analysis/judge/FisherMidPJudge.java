package dev.glide.analysis.judge;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The error-rate comparison by Fisher's test with Lancaster's mid-p: P(canary errors > observed) +
 * P(canary errors = observed) / 2. Fisher's exact p-value counts the observed table wholly, so at
 * the few errors of a quiet canary it rejects much less often than its level; the mid-p's
 * false-rejection rate is close to its level on average, so it catches more regressions while
 * keeping alpha. Each look tested at its own level, though, it spends at a 5 % canary share only
 * about half of what alpha allows, and catches fewer regressions for it ({@code
 * bench/analysis-judges.sh}). Kept as an option; {@link FisherSequentialJudge} is the default
 * error-rate judge, and tests counts too large to convolve as this judge does.
 */
@ApplicationScoped
public class FisherMidPJudge extends ErrorRateJudge {

    @Override
    public String type() {
        return "fisher-mid-p";
    }

    @Override
    double pValue(Sample baseline, Sample canary) {
        return midP(baseline, canary);
    }
}
