package dev.glide.traffic.gateway;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The dry-run gateway: changes nothing, logs what it would do and reads back what it was last told,
 * so a rollout can be rehearsed without touching traffic.
 */
@ApplicationScoped
public class NoopGateway implements GatewayAdapter {

    private static final Logger LOG = Logger.getLogger(NoopGateway.class);

    private final Map<String, ServedTraffic> routes = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "noop";
    }

    @Override
    public void apply(RolloutStep step) {
        LOG.infof(
                "[rollout %s] dry run: would route %s to stable %s %.2f %% / canary %s %.2f %% with %d match rules",
                step.rolloutId(),
                step.gateway().route(),
                step.stable().version(),
                step.weights().stable(),
                step.canary().version(),
                step.weights().canary(),
                step.matchRules().size());
        routes.put(
                step.gateway().route(),
                new ServedTraffic(step.weights(), step.matchRules(), step.mirror(), step.arms()));
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) {
        return routes.getOrDefault(
                binding.route(), new ServedTraffic(Weights.allStable(), List.of()));
    }

    @Override
    public boolean perReplica() {
        return true;
    }
}
