package dev.glide.analysis.judge;

import dev.glide.analysis.judge.AnalysisEngine.WindowJudgement;
import dev.glide.analysis.judge.Criteria.KayentaSettings;
import dev.glide.analysis.judge.Criteria.MetricSpec;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code scoring: kayenta}: each look (everything so far, as a Spinnaker canary's intervals without
 * a lookback) classifies every metric ({@link MetricClassification}) and scores them ({@link
 * KayentaScorer}); a look scoring at or below {@code marginal} fails the analysis at once, the last
 * look passes at {@code pass} or above, and between the two a person decides (INCONCLUSIVE). The
 * verdict's score is Kayenta's score. Glide's own judges (thresholds, alpha spending) do not take
 * part.
 */
final class KayentaScoring {

    static final String TEST = "kayenta-mann-whitney";

    /** What Kayenta scoring classifies when the criteria name no metrics. */
    static final Map<String, MetricSpec> DEFAULT_METRICS =
            Map.of(
                    "error-rate",
                    new MetricSpec("increase", null, null, null, null, null, "errors"),
                    "latency",
                    new MetricSpec("increase", null, null, null, null, null, "latency"));

    private KayentaScoring() {}

    static WindowJudgement judge(Look look) {
        Criteria criteria = look.criteria();
        KayentaSettings settings = criteria.kayenta();
        Map<String, MetricSpec> metrics =
                new LinkedHashMap<>(
                        criteria.metrics().isEmpty() ? DEFAULT_METRICS : criteria.metrics());
        List<Finding> findings = new ArrayList<>();
        List<KayentaScorer.Scored> scored = new ArrayList<>();
        metrics.keySet().stream()
                .sorted()
                .forEach(
                        name -> {
                            MetricSpec spec = metrics.get(name);
                            MetricClassification result =
                                    MetricClassification.classify(
                                            name,
                                            spec,
                                            look.points(name, true),
                                            look.points(name, false),
                                            settings.confidence(),
                                            settings.fraction());
                            scored.add(
                                    new KayentaScorer.Scored(
                                            spec.group() == null ? name : spec.group(),
                                            result.classification(),
                                            spec.critical(),
                                            spec.mustHaveData(),
                                            spec.reportOnly()));
                            findings.add(result.finding(spec, TEST));
                        });
        double score = KayentaScorer.score(scored, settings.groupWeights());
        int k = look.index();
        boolean last = k >= look.planned();
        Optional<String> scarce = look.tooFewCanaryRequests();
        String tally =
                String.format(
                        "Kayenta score %.1f after window %d (marginal %.0f, pass %.0f)",
                        score, k, settings.marginal(), settings.pass());
        String failing =
                findings.stream()
                        .filter(f -> f.status() == Status.FAIL)
                        .map(f -> f.check().detail())
                        .findFirst()
                        .map(d -> ": " + d)
                        .orElse("");
        Verdict verdict;
        String summary;
        if (score <= settings.marginal()) {
            verdict = Verdict.FAIL;
            summary = tally + failing;
        } else if (scarce.isPresent()) {
            verdict = Verdict.INCONCLUSIVE;
            summary = scarce.get();
        } else if (last && score < settings.pass()) {
            verdict = Verdict.INCONCLUSIVE;
            summary = tally + ": marginal, a person decides" + failing;
        } else {
            verdict = Verdict.PASS;
            summary = tally;
        }
        return new WindowJudgement(verdict, (int) Math.round(score), findings, summary, 0);
    }
}
