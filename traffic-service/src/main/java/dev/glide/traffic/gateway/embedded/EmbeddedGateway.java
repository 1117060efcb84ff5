package dev.glide.traffic.gateway.embedded;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.metrics.TrafficRecorder;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import dev.glide.traffic.metrics.WindowSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The gateway inside traffic-service (see {@link EmbeddedProxy}): a step replaces its route in one
 * atomic write, so blue-green flips with no moment where both or neither version serves, and
 * requests already on their way finish on the upstream they started on.
 */
@ApplicationScoped
public class EmbeddedGateway implements GatewayAdapter, WindowSource {

    public static final String TYPE = "embedded";
    private static final Logger LOG = Logger.getLogger(EmbeddedGateway.class);

    /** Whose windows these are: this replica's (every replica serves its own share). */
    private final String source = TrafficRecorder.sourceOf(TYPE);

    private final RouteTable routes = new RouteTable();
    private final TrafficRecorder recorder = new TrafficRecorder();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void apply(RolloutStep step) throws GatewayException {
        EmbeddedRoute route = EmbeddedRoute.of(step);
        EmbeddedRoute before = routes.get(step.gateway().route());
        routes.put(step.gateway().route(), route);
        if (before != null && !before.step.rolloutId().equals(step.rolloutId())) {
            recorder.forget(before.step.rolloutId());
        }
        LOG.debugf(
                "[rollout %s] embedded route %s now serves stable %.2f %% / canary %.2f %%",
                step.rolloutId(),
                step.gateway().route(),
                step.weights().stable(),
                step.weights().canary());
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) throws GatewayException {
        EmbeddedRoute route = routes.get(binding.route());
        if (route == null) {
            throw new GatewayException(
                    "the embedded gateway has no route '" + binding.route() + "'", false);
        }
        return new ServedTraffic(
                route.step.weights(),
                route.step.matchRules(),
                route.step.mirror(),
                route.step.arms());
    }

    @Override
    public List<TrafficMetrics> closeWindow(Instant end) {
        return recorder.close(end, source);
    }

    EmbeddedRoute find(String host, String path) {
        return routes.find(host, path);
    }

    void record(EmbeddedRoute route, Role role, int status, long nanos) {
        recorder.record(route.step, role, status, nanos);
    }

    /** One answer of a side, with the goals it marked and its user (null: not counted). */
    void record(
            EmbeddedRoute route,
            EmbeddedRoute.Side side,
            int status,
            long nanos,
            List<String> goals,
            String user) {
        recorder.record(route.step, side.role, side.version(), status, nanos, goals, user);
    }

    @Override
    public boolean perReplica() {
        return true;
    }
}
