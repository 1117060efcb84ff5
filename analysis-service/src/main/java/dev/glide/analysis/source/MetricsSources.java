package dev.glide.analysis.source;

import dev.glide.analysis.judge.AnalysisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks a service's metrics source: its own from {@code glide.analysis.service-sources}, else the
 * default.
 */
@ApplicationScoped
public class MetricsSources {

    private final Map<String, MetricsSource> byType = new TreeMap<>();
    private final AnalysisConfig config;

    MetricsSources(Instance<MetricsSource> sources, AnalysisConfig config) {
        sources.forEach(source -> byType.put(source.type(), source));
        this.config = config;
    }

    public MetricsSource forService(String service) throws SourceException {
        String type = config.serviceSources().getOrDefault(service, config.source());
        MetricsSource source = byType.get(type);
        if (source == null) {
            throw new SourceException(
                    "no metrics source named '"
                            + type
                            + "'; known: "
                            + String.join(", ", byType.keySet()));
        }
        return source;
    }
}
