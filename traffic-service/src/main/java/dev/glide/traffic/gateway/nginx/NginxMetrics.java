package dev.glide.traffic.gateway.nginx;

import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.metrics.TrafficRecorder;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.Upstream;
import dev.glide.traffic.metrics.WindowSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Metrics windows of NGINX routes, from their access logs: every request a route proxied ({@code
 * user}) and every copy it mirrored to the canary ({@code copy}) is a line naming the upstream that
 * answered, its status and how long it took. Each window reads the lines written since the last one
 * and counts them for the version whose endpoint answered: requests, 5xx, a latency histogram, as
 * the embedded gateway counts its own. NGINX writes a route's log on the traffic service's machine,
 * so each replica reads its own NGINX's and names its windows after itself.
 */
@ApplicationScoped
public class NginxMetrics implements WindowSource {

    private static final Logger LOG = Logger.getLogger(NginxMetrics.class);

    private final NginxGateway gateway;
    private final TrafficRecorder recorder = new TrafficRecorder();
    private final String source = TrafficRecorder.sourceOf(NginxGateway.TYPE);
    private final Map<Path, Long> offsets = new HashMap<>();

    NginxMetrics(NginxGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public synchronized List<TrafficMetrics> closeWindow(Instant end) {
        for (var entry : gateway.appliedSteps().entrySet()) {
            RolloutStep step = entry.getValue();
            Path log = gateway.accessLog(entry.getKey());
            try {
                List<String> lines = newLines(log);
                if (lines.isEmpty()) {
                    continue;
                }
                Set<String> canary = addresses(step, Role.CANARY);
                Set<String> stable = addresses(step, Role.STABLE);
                for (String line : lines) {
                    record(step, canary, stable, line);
                }
            } catch (IOException | GatewayException e) {
                LOG.debugf("no NGINX metrics for route %s: %s", entry.getKey(), e.getMessage());
            }
        }
        return recorder.close(end, source);
    }

    /**
     * One log line into the window of the step's version whose endpoint ({@code canary}, {@code
     * stable}: the step's endpoint addresses) answered it.
     */
    private void record(RolloutStep step, Set<String> canary, Set<String> stable, String line) {
        String[] fields = line.trim().split("\\|");
        if (fields.length != 4) {
            return;
        }
        // a retried request names every upstream it tried, and each one's time ("a, b"): the
        // last one answered
        String upstream = last(fields[1]);
        String seconds = last(fields[3]);
        if (upstream.equals("-") || seconds.equals("-")) {
            return; // answered by NGINX itself (a copy outside the mirror's share, a read-back)
        }
        Role role;
        if (fields[0].equals("copy") || canary.contains(upstream)) {
            role = Role.CANARY;
        } else if (stable.contains(upstream)) {
            role = Role.STABLE;
        } else {
            return; // an endpoint of an earlier step
        }
        try {
            int status = Integer.parseInt(fields[2]);
            double millis = Double.parseDouble(seconds) * 1000;
            recorder.record(step, role, status, (long) (millis * 1_000_000));
        } catch (NumberFormatException e) {
            LOG.debugf("an NGINX log line Glide did not write: %s", line);
        }
    }

    private static String last(String list) {
        String[] parts = list.split(",");
        return parts[parts.length - 1].trim();
    }

    private static Set<String> addresses(RolloutStep step, Role role) throws GatewayException {
        Set<String> addresses = new HashSet<>();
        for (Upstream upstream : Upstream.of(step, role)) {
            addresses.add(upstream.address());
        }
        return addresses;
    }

    /** The complete lines written to {@code log} since it was last read (from its end at first). */
    private List<String> newLines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        long size = Files.size(log);
        Long from = offsets.get(log);
        if (from == null || from > size) {
            // first sight, or the log was rotated: count from here on
            offsets.put(log, from == null ? size : 0L);
            if (from == null) {
                return List.of();
            }
            from = 0L;
        }
        if (size == from) {
            return List.of();
        }
        byte[] bytes = new byte[(int) Math.min(size - from, 16 * 1024 * 1024)];
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            file.readFully(bytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int complete = text.lastIndexOf('\n') + 1;
        offsets.put(
                log, from + text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length);
        return text.substring(0, complete).lines().toList();
    }
}
