package dev.glide.analysis.source;

import dev.glide.analysis.judge.Sample;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.analysis.metrics.MetricWindow;
import dev.glide.contract.LatencyHistogram;
import dev.glide.contract.Role;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Windows the gateways published on traffic-metrics (stored by {@code MetricsConsumer}): every
 * stored window of the rollout that ended in the interval, from every gateway, added up per
 * version. Latency histograms become samples at each bucket's middle, at most {@value #MAX_SAMPLES}
 * per version and window (scaled down alike), which is what the rank test needs and keeps a busy
 * service's analysis small. Each version also gets its {@code error-rate} series: one point per
 * second that had its requests (all gateways' windows ending that second added up), for the
 * comparisons that rank points (Kayenta scoring).
 */
@ApplicationScoped
public class GatewayMetricsSource implements MetricsSource {

    static final int MAX_SAMPLES = 2_000;

    GatewayMetricsSource() {}

    @Override
    public String type() {
        return "traffic-metrics";
    }

    @Override
    public WindowPair collect(AnalysedRollout rollout, Instant from, Instant to) {
        Sample baseline = Sample.counts(0, 0);
        Sample canary = Sample.counts(0, 0);
        Map<Instant, long[]> perSecond = new TreeMap<>();
        for (MetricWindow stored : MetricWindow.endingBetween(rollout.rolloutId(), from, to)) {
            TrafficMetrics window = stored.payload;
            baseline = baseline.plus(sample(window.of(Role.STABLE)));
            canary = canary.plus(sample(window.of(Role.CANARY)));
            long[] counts = perSecond.computeIfAbsent(stored.windowEnd, end -> new long[4]);
            add(counts, 0, window.of(Role.STABLE));
            add(counts, 2, window.of(Role.CANARY));
        }
        return new WindowPair(
                withErrorSeries(baseline, perSecond.values(), 0),
                withErrorSeries(canary, perSecond.values(), 2));
    }

    private static void add(long[] counts, int at, VersionWindow side) {
        if (side != null) {
            counts[at] += side.requests();
            counts[at + 1] += side.errors();
        }
    }

    private static Sample withErrorSeries(Sample sample, Collection<long[]> seconds, int at) {
        List<Double> rates = new ArrayList<>();
        for (long[] counts : seconds) {
            if (counts[at] > 0) {
                rates.add((double) counts[at + 1] / counts[at]);
            }
        }
        return new Sample(
                sample.requests(),
                sample.errors(),
                sample.latencyMs(),
                sample.p99Ms(),
                sample.values(),
                Map.of("error-rate", rates));
    }

    /**
     * A gateway publishes a window a second while the route has traffic: one ending in the last
     * second means the rest came.
     */
    @Override
    public boolean heardUntil(AnalysedRollout rollout, Instant end) {
        return MetricWindow.count(
                        "rolloutId = ?1 and windowEnd > ?2",
                        rollout.rolloutId(),
                        end.minusSeconds(1))
                > 0;
    }

    /** What one version served in one window, as the judges read it. */
    public static Sample sample(VersionWindow side) {
        if (side == null) {
            return Sample.counts(0, 0);
        }
        return new Sample(side.requests(), side.errors(), samples(side.latency()), null, Map.of());
    }

    /**
     * A histogram as latency samples: each bucket's count at the bucket's middle (the overflow at
     * 1.5x its floor).
     */
    static List<Double> samples(LatencyHistogram histogram) {
        List<Double> samples = new ArrayList<>();
        if (histogram == null || histogram.total() == 0) {
            return samples;
        }
        double scale = Math.min(1, (double) MAX_SAMPLES / histogram.total());
        List<Double> bounds = histogram.upperBoundsMs();
        for (int i = 0; i < histogram.counts().size(); i++) {
            long count = Math.round(histogram.counts().get(i) * scale);
            double lower = i == 0 ? 0 : bounds.get(i - 1);
            double value = i < bounds.size() ? (lower + bounds.get(i)) / 2 : lower * 1.5;
            for (long n = 0; n < count; n++) {
                samples.add(value);
            }
        }
        return samples;
    }
}
