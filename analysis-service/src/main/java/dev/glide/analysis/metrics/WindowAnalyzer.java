package dev.glide.analysis.metrics;

import dev.glide.analysis.judge.Judge;
import dev.glide.analysis.judge.Judge.Judgement;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.TrafficMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Stores each window once and judges the rollout on every window received so far. A redelivered window is
 * judged again at the same position, so it yields the same verdict for the same window number, which
 * consumers dedupe on.
 */
@ApplicationScoped
public class WindowAnalyzer {

    private static final Logger LOG = Logger.getLogger(WindowAnalyzer.class);

    private final Judge judge;
    private final EventCodec codec;

    WindowAnalyzer(Judge judge, EventCodec codec) {
        this.judge = judge;
        this.codec = codec;
    }

    @Transactional
    public AnalysisVerdict analyse(TrafficMetrics metrics) {
        String source = metrics.source() == null ? "unknown" : metrics.source();
        var key = new MetricWindow.Key();
        key.rolloutId = metrics.rolloutId();
        key.source = source;
        key.windowStart = metrics.windowStart();
        if (MetricWindow.findById(key) == null) {
            MetricWindow window = new MetricWindow();
            window.rolloutId = metrics.rolloutId();
            window.source = source;
            window.windowStart = metrics.windowStart();
            window.windowEnd = metrics.windowEnd();
            window.payload = codec.encode(metrics);
            window.receivedAt = Instant.now();
            window.persist();
        }
        List<TrafficMetrics> windows = MetricWindow.ofRollout(metrics.rolloutId(), metrics.windowStart()).stream()
                .map(w -> codec.decode(w.payload, TrafficMetrics.class))
                .toList();
        Judgement judgement = judge.judge(windows);
        LOG.infof("[rollout %s] window %d judged %s (score %d): %s", metrics.rolloutId(), windows.size(),
                judgement.verdict(), judgement.score(), judgement.summary());
        return new AnalysisVerdict(AnalysisVerdict.SCHEMA_VERSION, metrics.rolloutId(), 0, windows.size(),
                judgement.verdict(), judgement.score(), judgement.checks(), judgement.summary(), Instant.now());
    }
}
