package dev.glide.traffic.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How steps are applied and kept applied: {@code glide.traffic.*}. */
@ConfigMapping(prefix = "glide.traffic")
public interface TrafficConfig {

    Retry retry();

    /**
     * How often every route's gateway is compared with its newest step and corrected (read by the
     * reconciler's schedule, {@code ${glide.traffic.reconcile-interval}}).
     */
    @WithDefault("10s")
    Duration reconcileInterval();

    /**
     * How often this replica's own gateways (embedded, noop) take the steps other replicas applied
     * (read by {@code ReplicaCatchUp}'s schedule, {@code ${glide.traffic.catch-up-interval}}).
     */
    @WithDefault("1s")
    Duration catchUpInterval();

    /**
     * How often gateways' metrics windows are closed and published (read by {@code
     * MetricsPublisher}).
     */
    @WithDefault("1s")
    Duration metricsInterval();

    /**
     * The longest one try at a gateway (apply, then read back) may take before it counts as a
     * transient failure; the adapters' own timeouts (HAProxy's, NGINX's reload) are shorter, this
     * bounds what they do not.
     */
    @WithDefault("10s")
    Duration callTimeout();

    /**
     * Routes worked on at once: lanes running a step's bookkeeping (the database, the answer on
     * Kafka); talking to the gateways runs on a pool of its own.
     */
    @WithDefault("16")
    int workers();

    /**
     * Steps read from Kafka and not yet answered, across all routes, before this replica stops
     * reading more: a burst queues in Kafka rather than in memory.
     */
    @WithDefault("5000")
    int maxStepsInFlight();

    interface Retry {
        /**
         * Tries per step, the first included, while the gateway fails transiently or serves
         * something else.
         */
        @WithDefault("5")
        int attempts();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();
    }
}
