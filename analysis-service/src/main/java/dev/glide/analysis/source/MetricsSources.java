package dev.glide.analysis.source;

import dev.glide.analysis.judge.AnalysisConfig;
import dev.glide.contract.seam.Registry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Picks a service's metrics source: its own from {@code glide.analysis.service-sources}, else the
 * default.
 */
@ApplicationScoped
public class MetricsSources {

    private final Registry<MetricsSource> sources;
    private final AnalysisConfig config;

    MetricsSources(Instance<MetricsSource> sources, AnalysisConfig config) {
        this.sources = new Registry<>("metrics source", sources);
        this.config = config;
    }

    public MetricsSource forService(String service) throws SourceException {
        String type = config.serviceSources().getOrDefault(service, config.source());
        return sources.find(type).orElseThrow(() -> new SourceException(sources.unknown(type)));
    }
}
