package dev.glide.traffic.metrics;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.kafka.EventPublisher;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/** Every interval, closes the window of every measuring gateway and publishes it on traffic-metrics. */
@ApplicationScoped
public class MetricsPublisher {

    private static final Logger LOG = Logger.getLogger(MetricsPublisher.class);

    private final Instance<WindowSource> sources;
    private final EventPublisher publisher;

    MetricsPublisher(Instance<WindowSource> sources, EventCodec codec,
            @Channel(Topics.TRAFFIC_METRICS) Emitter<String> emitter) {
        this.sources = sources;
        this.publisher = new EventPublisher(emitter, codec);
    }

    @Scheduled(every = "${glide.traffic.metrics-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishWindows() {
        Instant end = Instant.now();
        List<TrafficMetrics> windows = new ArrayList<>();
        for (WindowSource source : sources) {
            try {
                windows.addAll(source.closeWindow(end));
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not close the metrics window of %s", source.getClass().getSimpleName());
            }
        }
        if (!windows.isEmpty()) {
            publisher.publishEvents(windows);
        }
    }
}
