package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.metrics.WindowSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads HAProxy's per-server counters ({@code show stat}) for every backend with a canary under way
 * and turns the growth since the last reading into a metrics window: responses as requests, 5xx
 * responses as errors. The Runtime API keeps no latency distribution (only averages), so these
 * windows carry none; latency judgements for HAProxy come from Prometheus.
 */
@ApplicationScoped
public class HaproxyMetrics implements WindowSource {

    private static final Logger LOG = Logger.getLogger(HaproxyMetrics.class);
    private static final List<String> RESPONSES =
            List.of("hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other");

    private final HaproxyGateway gateway;

    /** The last counters seen per "address backend/server": {requests, errors}, and when. */
    private final Map<String, long[]> last = new HashMap<>();

    private final Map<String, Instant> lastSeen = new HashMap<>();

    HaproxyMetrics(HaproxyGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public synchronized List<TrafficMetrics> closeWindow(Instant end) {
        List<TrafficMetrics> windows = new ArrayList<>();
        Map<String, Map<String, long[]>> statsByAddress = new HashMap<>();
        for (RolloutStep step : gateway.appliedSteps()) {
            double canary = step.weights().canary();
            if (canary <= 0 || canary >= 100) {
                continue;
            }
            try {
                String address = gateway.address(step.gateway());
                Map<String, long[]> stats = statsByAddress.get(address);
                if (stats == null) {
                    stats = parse(gateway.api().execute(address, List.of("show stat")));
                    statsByAddress.put(address, stats);
                }
                window(step, address, stats, end).ifPresent(windows::add);
            } catch (GatewayException e) {
                LOG.debugf(
                        "no HAProxy counters for rollout %s: %s", step.rolloutId(), e.getMessage());
            }
        }
        return windows;
    }

    private Optional<TrafficMetrics> window(
            RolloutStep step, String address, Map<String, long[]> stats, Instant end) {
        String backend = step.gateway().route();
        List<VersionWindow> versions = new ArrayList<>();
        Instant start = null;
        for (Role role : Role.values()) {
            String server =
                    role == Role.CANARY
                            ? step.gateway().canaryTarget()
                            : step.gateway().stableTarget();
            long[] now = stats.get(backend + "/" + server);
            if (now == null) {
                continue;
            }
            String key = address + " " + backend + "/" + server;
            long[] before = last.put(key, now);
            Instant since = lastSeen.put(key, end);
            if (before == null || since == null) {
                continue;
            }
            start = start == null || since.isBefore(start) ? since : start;
            // A reload resets HAProxy's counters: then everything counted so far is new.
            long requests = now[0] >= before[0] ? now[0] - before[0] : now[0];
            long errors = now[1] >= before[1] ? now[1] - before[1] : now[1];
            if (requests > 0) {
                String version =
                        role == Role.CANARY ? step.canary().version() : step.stable().version();
                versions.add(
                        new VersionWindow(
                                role, version, requests, Math.min(errors, requests), null));
            }
        }
        if (versions.isEmpty() || start == null || !end.isAfter(start)) {
            return Optional.empty();
        }
        return Optional.of(
                new TrafficMetrics(
                        TrafficMetrics.SCHEMA_VERSION,
                        step.rolloutId(),
                        step.service(),
                        start,
                        end,
                        HaproxyGateway.TYPE,
                        versions));
    }

    /** {@code show stat} CSV: per "backend/server", {responses, 5xx responses}. */
    static Map<String, long[]> parse(String csv) {
        Map<String, long[]> counters = new HashMap<>();
        List<String> columns = null;
        for (String line : csv.split("\n")) {
            if (line.startsWith("# ")) {
                columns = Arrays.asList(line.substring(2).split(",", -1));
                continue;
            }
            if (columns == null || line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            String server = fields[columns.indexOf("svname")];
            if ("FRONTEND".equals(server) || "BACKEND".equals(server)) {
                continue;
            }
            long responses = 0;
            for (String column : RESPONSES) {
                responses += number(fields, columns.indexOf(column));
            }
            counters.put(
                    fields[columns.indexOf("pxname")] + "/" + server,
                    new long[] {responses, number(fields, columns.indexOf("hrsp_5xx"))});
        }
        return counters;
    }

    private static long number(String[] fields, int index) {
        if (index < 0 || index >= fields.length || fields[index].isEmpty()) {
            return 0;
        }
        return Long.parseLong(fields[index]);
    }
}
