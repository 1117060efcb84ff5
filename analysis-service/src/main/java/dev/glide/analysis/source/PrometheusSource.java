package dev.glide.analysis.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.analysis.judge.AnalysisConfig;
import dev.glide.analysis.judge.Sample;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prometheus through its HTTP query API, with a PromQL template per metric as Flagger's metric
 * templates: the template's {@code {{service}}}, {@code {{version}}}, {@code {{role}}} and {@code
 * {{interval}}} are filled in for each version and the window, and the instant query is evaluated
 * at the window's end. {@code requests} and {@code errors} give the counts that the error-rate test
 * compares, {@code latency-p99} the p99 in ms, and every other name a custom value checked against
 * its bounds. A custom metric held to its baseline ({@code glide.analysis.comparisons.<name>}) is
 * also asked as a range query over the window at {@code glide.analysis.prometheus.step}, and its
 * points become the version's series of that name, which the comparison ranks. An empty answer is 0
 * for counts and unknown otherwise.
 */
@ApplicationScoped
public class PrometheusSource implements MetricsSource {

    static final String REQUESTS = "requests";
    static final String ERRORS = "errors";
    static final String LATENCY_P99 = "latency-p99";

    private final AnalysisConfig.Prometheus config;
    private final Set<String> compared;
    private final ObjectMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PrometheusSource(AnalysisConfig config, EventCodec codec) {
        this.config = config.prometheus();
        this.compared = Set.copyOf(config.comparisons().keySet());
        this.json = codec.mapper();
    }

    @Override
    public String type() {
        return "prometheus";
    }

    @Override
    public WindowPair collect(AnalysedRollout rollout, Instant from, Instant to)
            throws SourceException {
        String url =
                config.url()
                        .orElseThrow(
                                () ->
                                        new SourceException(
                                                "glide.analysis.prometheus.url is not set"));
        long seconds = Math.max(1, Duration.between(from, to).toSeconds());
        return new WindowPair(
                side(url, rollout, Role.STABLE, rollout.stableVersion(), seconds, from, to),
                side(url, rollout, Role.CANARY, rollout.canaryVersion(), seconds, from, to));
    }

    private Sample side(
            String url,
            AnalysedRollout rollout,
            Role role,
            String version,
            long seconds,
            Instant from,
            Instant at)
            throws SourceException {
        Map<String, Double> custom = new HashMap<>();
        Map<String, List<Double>> series = new HashMap<>();
        Double requests = null;
        Double errors = null;
        Double p99 = null;
        for (Map.Entry<String, String> template : config.queries().entrySet()) {
            String query =
                    template.getValue()
                            .replace("{{service}}", rollout.service())
                            .replace("{{version}}", version)
                            .replace("{{role}}", role.name().toLowerCase())
                            .replace("{{interval}}", seconds + "s");
            Double value = query(url, template.getKey(), query, at);
            switch (template.getKey()) {
                case REQUESTS -> requests = value;
                case ERRORS -> errors = value;
                case LATENCY_P99 -> p99 = value;
                default -> {
                    if (value != null) {
                        custom.put(template.getKey(), value);
                    }
                    if (compared.contains(template.getKey())) {
                        series.put(
                                template.getKey(), range(url, template.getKey(), query, from, at));
                    }
                }
            }
        }
        long total = requests == null ? 0 : Math.round(requests);
        long failed = errors == null ? 0 : Math.min(total, Math.round(errors));
        return new Sample(total, failed, List.of(), p99, custom, series);
    }

    /**
     * A goal counted in Prometheus ({@code glide.analysis.prometheus.goals.<goal>}): the
     * denominator and numerator queries for this version over {@code (since, at]}, evaluated at
     * {@code at}; empty when no queries are configured for the goal.
     */
    @Override
    public Optional<long[]> goal(
            AnalysedRollout rollout, String version, String goal, Instant since, Instant at)
            throws SourceException {
        AnalysisConfig.GoalQueries queries = config.goals().get(goal);
        if (queries == null) {
            return Optional.empty();
        }
        String url =
                config.url()
                        .orElseThrow(
                                () ->
                                        new SourceException(
                                                "glide.analysis.prometheus.url is not set"));
        String span = Math.max(1, Duration.between(since, at).toSeconds()) + "s";
        Double units = query(url, goal, fill(queries.denominator(), rollout, version, span), at);
        Double conversions =
                query(url, goal, fill(queries.numerator(), rollout, version, span), at);
        long total = units == null ? 0 : Math.round(units);
        long reached = conversions == null ? 0 : Math.min(total, Math.round(conversions));
        return Optional.of(new long[] {total, Math.max(0, reached)});
    }

    private static String fill(
            String template, AnalysedRollout rollout, String version, String since) {
        return template.replace("{{service}}", rollout.service())
                .replace("{{version}}", version)
                .replace("{{since}}", since);
    }

    /**
     * A range query's points over {@code (from, to]} at the configured step, the last at {@code
     * to}; NaN and infinite points are left out.
     */
    private List<Double> range(String url, String metric, String query, Instant from, Instant to)
            throws SourceException {
        double step = Math.max(0.001, config.step().toMillis() / 1000.0);
        double span = Duration.between(from, to).toMillis() / 1000.0;
        long points = Math.max(1, (long) Math.floor(span / step));
        double end = to.toEpochMilli() / 1000.0;
        double start = end - (points - 1) * step;
        JsonNode result =
                ask(
                        url,
                        metric,
                        query,
                        "/api/v1/query_range?query="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                                + String.format(
                                        Locale.ROOT,
                                        "&start=%.3f&end=%.3f&step=%.3f",
                                        start,
                                        end,
                                        step));
        List<Double> values = new ArrayList<>();
        if (result.isArray() && !result.isEmpty()) {
            for (JsonNode point : result.get(0).path("values")) {
                double value = Double.parseDouble(point.get(1).asText());
                if (Double.isFinite(value)) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** One instant query's single value, or null when Prometheus has no series (or NaN) for it. */
    private Double query(String url, String metric, String query, Instant at)
            throws SourceException {
        JsonNode result =
                ask(
                        url,
                        metric,
                        query,
                        "/api/v1/query?query="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                                + "&time="
                                + at.getEpochSecond()
                                + "."
                                + String.format("%03d", at.getNano() / 1_000_000));
        if (!result.isArray() || result.isEmpty()) {
            return null;
        }
        double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }

    /** The {@code data.result} of one query API call. */
    private JsonNode ask(String url, String metric, String query, String pathAndQuery)
            throws SourceException {
        URI uri = URI.create(url.replaceAll("/+$", "") + pathAndQuery);
        HttpResponse<String> response;
        try {
            response =
                    http.send(
                            HttpRequest.newBuilder(uri).timeout(config.timeout()).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SourceException(
                    "Prometheus at " + url + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while querying Prometheus", e);
        }
        try {
            JsonNode body = json.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new SourceException(
                        "Prometheus refused the "
                                + metric
                                + " query '"
                                + query
                                + "': "
                                + body.path("error").asText(response.body()));
            }
            return body.path("data").path("result");
        } catch (IOException e) {
            throw new SourceException(
                    "Prometheus answered the " + metric + " query with something that is not JSON",
                    e);
        }
    }
}
