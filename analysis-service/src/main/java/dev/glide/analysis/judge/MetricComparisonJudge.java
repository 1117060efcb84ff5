package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Criteria.KayentaSettings;
import dev.glide.analysis.judge.Criteria.MetricSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Custom metrics held to their baseline, not to fixed bounds: every metric the criteria name other
 * than error rate and latency (which have their own tests) — a team's {@code orders_failed_total}
 * or {@code queue_lag_seconds}, with the direction that is worse — is classified on everything so
 * far as Kayenta's classifier does ({@link MetricClassification}, at the Kayenta settings'
 * confidence and fraction). A High (or Low) counts as a failing window, and {@code
 * consecutiveFailures} failing windows in a row fail the analysis, like a threshold: the interval
 * is not a sequential test, and asking for a streak keeps a single noisy window from aborting. No
 * data for the metric says nothing, unless it must have data.
 */
@ApplicationScoped
public class MetricComparisonJudge implements Judge {

    @Override
    public String type() {
        return "metric-comparison";
    }

    @Override
    public boolean compares() {
        return false;
    }

    @Override
    public List<Finding> judge(Look look, double alphaShare) {
        KayentaSettings settings = look.criteria().kayenta();
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, MetricSpec> entry :
                look.criteria().metrics().entrySet().stream()
                        .filter(e -> !e.getKey().equals("error-rate"))
                        .filter(e -> !e.getKey().equals("latency"))
                        .sorted(Map.Entry.comparingByKey())
                        .toList()) {
            MetricSpec spec = entry.getValue();
            MetricClassification result =
                    MetricClassification.classify(
                            entry.getKey(),
                            spec,
                            look.points(entry.getKey(), true),
                            look.points(entry.getKey(), false),
                            settings.confidence(),
                            settings.fraction());
            findings.add(result.finding(spec, type()));
        }
        return findings;
    }
}
