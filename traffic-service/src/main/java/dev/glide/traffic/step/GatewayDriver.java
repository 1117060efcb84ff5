package dev.glide.traffic.step;

import dev.glide.contract.RolloutStep;
import dev.glide.traffic.config.TrafficConfig;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
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
        long backoff = retry.initialBackoff().toMillis();
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
                LOG.infof(
                        "[rollout %s] step %d, try %d of %d on %s failed, next in %d ms: %s",
                        step.rolloutId(),
                        step.sequence(),
                        attempt,
                        retry.attempts(),
                        adapter.type(),
                        backoff,
                        e.getMessage());
                pause(backoff);
                backoff = Math.min(backoff * 2, retry.maxBackoff().toMillis());
            }
        }
    }

    private static void pause(long millis) throws GatewayException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted while waiting to retry", false, e);
        }
    }
}
