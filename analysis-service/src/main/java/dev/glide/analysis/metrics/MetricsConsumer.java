package dev.glide.analysis.metrics;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.kafka.EventPublisher;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads metrics windows from the gateways and answers each with a verdict. A record that is not a valid window
 * throws, and the channel's dead-letter strategy moves it aside with the reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    private final EventCodec codec;
    private final WindowAnalyzer analyzer;
    private final EventPublisher verdicts;

    MetricsConsumer(EventCodec codec, WindowAnalyzer analyzer, @Channel(Topics.ANALYSIS_VERDICTS) Emitter<String> emitter) {
        this.codec = codec;
        this.analyzer = analyzer;
        this.verdicts = new EventPublisher(emitter, codec);
    }

    @Incoming(Topics.TRAFFIC_METRICS)
    @Blocking
    public void onWindow(String json) {
        verdicts.publish(analyzer.analyse(codec.decode(json, TrafficMetrics.class)));
    }
}
