package dev.glide.analysis.judge;

import dev.glide.contract.seam.Registry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The live analysis's engine: the judges {@code glide.analysis.judges} names, sharing alpha as
 * {@code glide.analysis.alpha-shares} says. Built at start-up, so an unknown judge or shares that
 * do not add up to 1 fail it with the key in the message.
 */
@ApplicationScoped
public class JudgeSelection {

    @Produces
    @Singleton
    @Startup
    AnalysisEngine engine(AnalysisConfig config, Instance<Judge> judges) {
        Registry<Judge> registry = new Registry<>("judge", judges);
        try {
            return new AnalysisEngine(
                    config.judges().stream().map(registry::require).toList(), config.alphaShares());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    e.getMessage().startsWith("no judge")
                            ? "glide.analysis.judges: " + e.getMessage()
                            : e.getMessage(),
                    e);
        }
    }
}
