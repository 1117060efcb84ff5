package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;

/**
 * The judgement of a canary against its baseline after one analysis window, on {@link
 * Topics#ANALYSIS_VERDICTS}.
 *
 * @param stepSequence the rollout step whose analysis this belongs to
 * @param window which window of that analysis (1-based) the verdict was reached at
 * @param score 0 (clearly worse) to 100 (indistinguishable or better)
 * @param checks the evidence: one entry per metric and test
 */
public record AnalysisVerdict(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String rolloutId,
        long stepSequence,
        @Min(1) int window,
        @NotNull Verdict verdict,
        @Min(0) @Max(100) int score,
        List<@NotNull @Valid Check> checks,
        String summary,
        Instant decidedAt,
        @Valid ExperimentFindings experiment)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    /** A failing verdict: the rollout it stops goes ahead of other rollouts' queued inputs. */
    @Override
    @JsonIgnore
    public boolean urgent() {
        return verdict == Verdict.FAIL;
    }

    public enum Verdict {
        PASS,
        FAIL,
        INCONCLUSIVE
    }

    public AnalysisVerdict {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** A verdict on a canary (no experiment). */
    public AnalysisVerdict(
            int schemaVersion,
            String rolloutId,
            long stepSequence,
            int window,
            Verdict verdict,
            int score,
            List<Check> checks,
            String summary,
            Instant decidedAt) {
        this(
                schemaVersion,
                rolloutId,
                stepSequence,
                window,
                verdict,
                score,
                checks,
                summary,
                decidedAt,
                null);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }

    /**
     * One metric's evidence: both sides' values, the test that compared them and its outcome.
     *
     * @param statistic the test statistic (z, U, log-likelihood ratio...), null for a plain
     *     threshold
     * @param pValue the test's p-value, null for a plain threshold
     * @param threshold the bound the canary had to stay within, null for a pure comparison
     */
    public record Check(
            @NotBlank String metric,
            @NotBlank String test,
            Double baseline,
            Double canary,
            Double statistic,
            Double pValue,
            Double threshold,
            boolean passed,
            String detail) {}
}
