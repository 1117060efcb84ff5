package dev.glide.bench;

import dev.glide.testsupport.GlideSystem;
import java.nio.file.Path;

/** The whole system as the benchmarks that judge canaries start it. */
final class BenchSystems {

    private BenchSystems() {}

    /**
     * Kafka, PostgreSQL and the four services, with analysis windows judged from 10 canary requests
     * (20 in all): benchmark rollouts send little traffic for a short time, and must still be
     * decided.
     */
    static GlideSystem withQuickAnalysis(Path root, Path data) {
        return GlideSystem.builder(root)
                .dataDir(data)
                .partitions(3)
                .set("analysis-service", "glide.analysis.min-requests", "20")
                .set("analysis-service", "glide.analysis.min-window-requests", "10")
                .start();
    }
}
