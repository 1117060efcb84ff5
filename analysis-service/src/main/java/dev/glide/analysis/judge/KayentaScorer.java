package dev.glide.analysis.judge;

import dev.glide.analysis.judge.MetricClassification.Classification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kayenta's weighted-sum score: metrics are counted per group (report-only ones not at all), a
 * group scores the share of its counted metrics that passed (Nodata is not counted, unless the
 * metric must have data: then it counts as failed), and the analysis scores the sum of its groups'
 * scores by weight — the weights named, the groups not named sharing what is left of 100 equally, a
 * group with nothing counted contributing nothing. A critical metric that is not Pass scores the
 * whole analysis 0.
 */
public final class KayentaScorer {

    /** One metric's classification with how it counts. */
    public record Scored(
            String group,
            Classification classification,
            boolean critical,
            boolean mustHaveData,
            boolean reportOnly) {}

    private KayentaScorer() {}

    public static double score(List<Scored> metrics, Map<String, Double> groupWeights) {
        boolean criticalFailed =
                metrics.stream()
                        .anyMatch(m -> m.critical() && m.classification() != Classification.PASS);
        Map<String, int[]> groups = new LinkedHashMap<>();
        for (Scored metric : metrics) {
            if (metric.reportOnly()) {
                continue;
            }
            int[] counts = groups.computeIfAbsent(metric.group(), g -> new int[2]);
            boolean counted =
                    metric.classification() != Classification.NODATA || metric.mustHaveData();
            if (counted) {
                counts[1]++;
                if (metric.classification() == Classification.PASS) {
                    counts[0]++;
                }
            }
        }
        double named = groupWeights.values().stream().mapToDouble(Double::doubleValue).sum();
        long unnamed = groups.keySet().stream().filter(g -> !groupWeights.containsKey(g)).count();
        double share = unnamed == 0 ? 0 : (100 - named) / unnamed;
        double score = 0;
        for (Map.Entry<String, int[]> group : groups.entrySet()) {
            int[] counts = group.getValue();
            if (counts[1] == 0) {
                continue;
            }
            double weight = groupWeights.getOrDefault(group.getKey(), share);
            score += 100.0 * counts[0] / counts[1] * weight / 100;
        }
        return criticalFailed ? 0 : score;
    }
}
