package dev.glide.traffic.step;

import dev.glide.contract.RolloutStep;
import dev.glide.contract.retry.Backoff;
import dev.glide.traffic.config.TrafficConfig;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Applies a step and confirms it by reading the gateway back (as Argo Rollouts' VerifyWeight does),
 * retrying with exponential backoff while the gateway fails transiently or does not yet serve what
 * was asked. A gateway that refuses outright (bad binding, unknown server) fails at once; one that
 * stays down fails after the last try.
 */
@ApplicationScoped
public class GatewayDriver {

    private static final Logger LOG = Logger.getLogger(GatewayDriver.class);

    private final TrafficConfig.Retry retry;

    GatewayDriver(TrafficConfig config) {
        this.retry = config.retry();
    }

    public ServedTraffic applyAndVerify(GatewayAdapter adapter, RolloutStep step)
            throws GatewayException {
        Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        for (int attempt = 1; ; attempt++) {
            try {
                adapter.apply(step);
                ServedTraffic served = adapter.read(step.gateway());
                if (served.matches(step, adapter.weightTolerance())) {
                    return served;
                }
                throw new GatewayException(
                        String.format(
                                "the gateway serves %s after being set to stable %.2f %% / canary %.2f %%%s",
                                served.describe(),
                                step.weights().stable(),
                                step.weights().canary(),
                                step.matchRules().isEmpty()
                                        ? ""
                                        : " with " + step.matchRules().size() + " match rule(s)"),
                        true);
            } catch (GatewayException e) {
                if (!e.isTransient() || attempt >= retry.attempts()) {
                    throw attempt > 1
                            ? new GatewayException(
                                    e.getMessage() + " (after " + attempt + " tries)", false, e)
                            : e;
                }
                Duration pause = backoff.next();
                LOG.infof(
                        "[rollout %s] step %d, try %d of %d on %s failed, next in %d ms: %s",
                        step.rolloutId(),
                        step.sequence(),
                        attempt,
                        retry.attempts(),
                        adapter.type(),
                        pause.toMillis(),
                        e.getMessage());
                pause(pause);
            }
        }
    }

    private static void pause(Duration pause) throws GatewayException {
        try {
            Backoff.sleep(pause, "a gateway step");
        } catch (IllegalStateException interrupted) {
            throw new GatewayException(interrupted.getMessage(), false, interrupted.getCause());
        }
    }
}
