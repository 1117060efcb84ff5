package dev.glide.analysis.metrics;

import dev.glide.analysis.run.AnalysisScheduler;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores the gateways' metrics windows, each once however often it is delivered, for the analyses
 * to judge; a window that completes an analysis window gets that analysis judged at once instead of
 * after its grace. A record that is not a valid window throws, and the channel's dead-letter
 * strategy moves it aside with the reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    private final EventCodec codec;
    private final AnalysisScheduler scheduler;

    MetricsConsumer(EventCodec codec, AnalysisScheduler scheduler) {
        this.codec = codec;
        this.scheduler = scheduler;
    }

    @Incoming(Topics.TRAFFIC_METRICS)
    @Blocking
    public void onWindow(String json) {
        TrafficMetrics metrics = codec.decode(json, TrafficMetrics.class);
        boolean completes =
                QuarkusTransaction.requiringNew()
                        .call(
                                () -> {
                                    store(metrics, json);
                                    return scheduler.markCompleted(
                                            metrics.rolloutId(), metrics.windowEnd());
                                });
        if (completes) {
            scheduler.judgeDue();
        }
    }

    private static void store(TrafficMetrics metrics, String json) {
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
            window.payload = json;
            window.receivedAt = Instant.now();
            window.persist();
        }
    }
}
