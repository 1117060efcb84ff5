package dev.glide.analysis.judge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Live analysis settings ({@code glide.analysis.*}), validated at start-up so a bad value fails
 * fast with its key in the message. The criteria apply to the metrics an analysis step names:
 * {@code error-rate} switches the error-rate ceiling on, {@code latency-p99} the p99 ceiling, any
 * other name a custom value with its bounds, or held to its baseline when it has a comparison.
 */
@ConfigMapping(prefix = "glide.analysis")
public interface AnalysisConfig {

    /** The highest canary error rate per window that passes (0.01 = 1 %). */
    @WithDefault("0.01")
    @DecimalMin("0")
    @DecimalMax("1")
    double maxErrorRate();

    /** The highest canary p99 latency per window that passes. */
    @WithDefault("1000")
    @DecimalMin(value = "0", inclusive = false)
    double maxP99Ms();

    /** The false-abort rate the comparisons keep over a whole analysis. */
    @WithDefault("0.01")
    @DecimalMin(value = "0", inclusive = false)
    @DecimalMax("0.5")
    double alpha();

    /**
     * The judges, by name: {@code threshold}, {@code fisher-sequential}, {@code fisher-mid-p} or
     * {@code fisher-exact}, {@code mann-whitney-u}, {@code metric-comparison}.
     */
    @WithDefault("threshold,fisher-sequential,mann-whitney-u,metric-comparison")
    List<String> judges();

    /**
     * Each comparing judge's share of {@link #alpha()}; together they must add up to 1. A judge not
     * named here keeps its default ({@link AnalysisEngine#DEFAULT_ALPHA_SHARES}).
     */
    Map<String, Double> alphaShares();

    /** Compare canary with baseline statistically, not only against thresholds. */
    @WithDefault("true")
    boolean compare();

    /**
     * Canary requests a whole analysis needs to PASS (pro rata per window); fewer is INCONCLUSIVE.
     */
    @WithDefault("100")
    @PositiveOrZero
    long minRequests();

    /** Canary requests a window needs for its thresholds to count. */
    @WithDefault("20")
    @PositiveOrZero
    long minWindowRequests();

    /** Threshold failures in a row that make a FAIL. */
    @WithDefault("2")
    @Min(1)
    int consecutiveFailures();

    /**
     * How long after a window ends it is judged, so the gateways' last metrics for it have arrived.
     */
    @WithDefault("1500ms")
    Duration grace();

    /**
     * How much longer a window waits when its source has nothing yet from its last second (the
     * metrics consumer is behind: a replica crashed, a rebalance, the broker restarted) before it
     * is judged on what there is.
     */
    @WithDefault("15s")
    Duration maxMetricsDelay();

    /**
     * Where windows come from unless a service has its own: {@code traffic-metrics} or {@code
     * prometheus}.
     */
    @WithDefault("traffic-metrics")
    String source();

    /** Per service, the source of its windows when not the default. */
    Map<String, String> serviceSources();

    /** Bounds of custom values by name. */
    Map<String, Bound> bounds();

    /**
     * Custom metrics held to their baseline by name (the {@code metric-comparison} judge, and
     * Kayenta scoring's metrics): which direction is worse and how much is allowed.
     */
    Map<String, Comparison> comparisons();

    /** {@code glide} (the judges) or {@code kayenta} (Kayenta's classification and score). */
    @WithDefault("glide")
    @Pattern(regexp = "glide|kayenta", message = "must be glide or kayenta")
    String scoring();

    Kayenta kayenta();

    /** Gates: webhooks' signing secrets, how gates are shared among replicas. */
    Gates gates();

    interface Gates {
        /** The secret gates are signed with, unless their service has its own. */
        Optional<String> secret();

        /** Per service, the secret its gates are signed with. */
        Map<String, String> secrets();

        /**
         * How long a replica holds a gate it runs without renewing its lease (renewed a third of it
         * apart): a replica that dies mid-gate has it taken over by another after this.
         */
        @WithDefault("10s")
        Duration lease();

        /** Gates one replica runs at once; more wait for a free worker (or another replica). */
        @WithDefault("32")
        @Min(1)
        int workers();
    }

    interface Comparison {
        /** increase, decrease or either. */
        @WithDefault("increase")
        @Pattern(
                regexp = "increase|decrease|either",
                message = "must be increase, decrease or either")
        String direction();

        @WithDefault("1.0")
        @DecimalMin(value = "0", inclusive = false)
        double allowedIncrease();

        @WithDefault("1.0")
        @DecimalMin(value = "0", inclusive = false)
        double allowedDecrease();

        @WithDefault("false")
        boolean critical();

        @WithDefault("false")
        boolean mustHaveData();

        /** Kayenta's group (default: the metric's own name). */
        Optional<String> group();
    }

    interface Kayenta {
        @WithDefault("75")
        @DecimalMin("0")
        @DecimalMax("100")
        double marginal();

        @WithDefault("95")
        @DecimalMin("0")
        @DecimalMax("100")
        double pass();

        @WithDefault("0.95")
        @DecimalMin(value = "0.5", inclusive = false)
        @DecimalMax(value = "1", inclusive = false)
        double confidence();

        @WithDefault("0.10")
        @DecimalMin("0")
        double fraction();

        Map<String, Double> groupWeights();
    }

    Prometheus prometheus();

    interface Bound {
        Optional<Double> min();

        Optional<Double> max();
    }

    interface Prometheus {
        /** Prometheus's base URL, e.g. http://prometheus:9090. */
        Optional<String> url();

        /**
         * PromQL per metric, with {@code {{service}}}, {@code {{version}}}, {@code {{role}}} and
         * {@code {{interval}}} filled in: {@code requests} and {@code errors} (counts in the
         * window), {@code latency-p99} (ms), and any custom value by name.
         */
        Map<String, String> queries();

        @WithDefault("5s")
        Duration timeout();

        /**
         * The resolution of a compared custom metric's series: such a query is also asked as a
         * range over the window at this step ({@code {{interval}}} is still the window's length),
         * and the comparison ranks its points.
         */
        @WithDefault("1s")
        Duration step();

        /**
         * An experiment's goal by name, counted by the application in Prometheus: per version, the
         * {@code numerator} (conversions: users or requests that reached the goal) and the {@code
         * denominator} (all of them) since the experiment began, as PromQL with {@code
         * {{service}}}, {@code {{version}}} and {@code {{since}}} (the time since the experiment
         * began, e.g. {@code 300s}) filled in, evaluated at each look's end; e.g. {@code
         * sum(increase(orders_total{app="{{service}}",version="{{version}}"}[{{since}}]))}.
         */
        Map<String, GoalQueries> goals();
    }

    /** The two queries of a goal counted in Prometheus. */
    interface GoalQueries {
        String numerator();

        String denominator();
    }

    /** The criteria for an analysis of these metrics. */
    default Criteria criteria(List<String> metrics) {
        Map<String, Criteria.MetricSpec> compared = new HashMap<>();
        for (String metric : metrics) {
            Comparison comparison = comparisons().get(metric);
            if (comparison != null) {
                compared.put(
                        metric,
                        new Criteria.MetricSpec(
                                comparison.direction(),
                                comparison.allowedIncrease(),
                                comparison.allowedDecrease(),
                                comparison.critical(),
                                comparison.mustHaveData(),
                                null,
                                comparison.group().orElse(null)));
            }
        }
        Map<String, Criteria.Bounds> custom = new HashMap<>();
        for (String metric : metrics) {
            Bound bound = bounds().get(metric);
            if (bound != null) {
                custom.put(
                        metric,
                        new Criteria.Bounds(bound.min().orElse(null), bound.max().orElse(null)));
            }
        }
        return new Criteria(
                metrics.contains("error-rate") ? maxErrorRate() : null,
                metrics.contains("latency-p99") ? maxP99Ms() : null,
                alpha(),
                compare(),
                true,
                minRequests(),
                minWindowRequests(),
                consecutiveFailures(),
                null,
                null,
                custom,
                scoring(),
                compared,
                new Criteria.KayentaSettings(
                        kayenta().marginal(),
                        kayenta().pass(),
                        kayenta().confidence(),
                        kayenta().fraction(),
                        kayenta().groupWeights()));
    }
}
