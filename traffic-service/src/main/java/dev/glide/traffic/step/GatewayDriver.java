package dev.glide.traffic.step;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.retry.Backoff;
import dev.glide.traffic.config.TrafficConfig;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Applies a step and confirms it by reading the gateway back (as Argo Rollouts' VerifyWeight does),
 * retrying with exponential backoff while the gateway fails transiently or does not yet serve what
 * was asked. A gateway that refuses outright (bad binding, unknown server) fails at once; one that
 * stays down fails after the last try. Each try (apply, then read back) is bounded by {@code
 * glide.traffic.call-timeout}, and the pauses between tries hold no thread: a gateway that hangs or
 * is down delays only the routes it serves.
 */
@ApplicationScoped
public class GatewayDriver {

    private static final Logger LOG = Logger.getLogger(GatewayDriver.class);

    private final TrafficConfig.Retry retry;
    private final Duration callTimeout;
    private final RouteLanes lanes;

    GatewayDriver(TrafficConfig config, RouteLanes lanes) {
        this.retry = config.retry();
        this.callTimeout = config.callTimeout();
        this.lanes = lanes;
    }

    /** The same as {@link #applyAndVerifyAsync}, waited for. */
    public ServedTraffic applyAndVerify(GatewayAdapter adapter, RolloutStep step)
            throws GatewayException {
        try {
            return applyAndVerifyAsync(adapter, step).join();
        } catch (CompletionException e) {
            throw gatewayFailure(e);
        }
    }

    /**
     * What the gateway serves once it serves the step, or a {@link GatewayException} (the failure
     * of the last try) when it would not.
     */
    public CompletableFuture<ServedTraffic> applyAndVerifyAsync(
            GatewayAdapter adapter, RolloutStep step) {
        CompletableFuture<ServedTraffic> result = new CompletableFuture<>();
        attempt(adapter, step, 1, new Backoff(retry.initialBackoff(), retry.maxBackoff()), result);
        return result;
    }

    private void attempt(
            GatewayAdapter adapter,
            RolloutStep step,
            int attempt,
            Backoff backoff,
            CompletableFuture<ServedTraffic> result) {
        CompletableFuture.supplyAsync(() -> once(adapter, step), lanes.calls())
                .orTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete(
                        (served, failure) -> {
                            if (failure == null) {
                                result.complete(served);
                                return;
                            }
                            GatewayException e = gatewayFailure(failure);
                            if (!e.isTransient() || attempt >= retry.attempts()) {
                                result.completeExceptionally(
                                        attempt > 1
                                                ? new GatewayException(
                                                        e.getMessage()
                                                                + " (after "
                                                                + attempt
                                                                + " tries)",
                                                        false,
                                                        e)
                                                : e);
                                return;
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
                            Executor later =
                                    CompletableFuture.delayedExecutor(
                                            pause.toMillis(), TimeUnit.MILLISECONDS, lanes.calls());
                            later.execute(
                                    () -> attempt(adapter, step, attempt + 1, backoff, result));
                        });
    }

    private static ServedTraffic once(GatewayAdapter adapter, RolloutStep step) {
        try {
            if (!step.arms().isEmpty()) {
                Optional<String> refused =
                        GatewayBinding.Adapter.named(adapter.type())
                                .flatMap(GatewayBinding.Adapter::refusesExperiments);
                if (refused.isPresent()) {
                    throw new GatewayException(refused.get(), false);
                }
            }
            adapter.apply(step);
            ServedTraffic served = adapter.read(step.gateway());
            if (served.matches(step, adapter.weightTolerance())) {
                return served;
            }
            throw new CompletionException(
                    new GatewayException(
                            String.format(
                                    "the gateway serves %s after being set to stable %.2f %% / canary %.2f %%%s",
                                    served.describe(),
                                    step.weights().stable(),
                                    step.weights().canary(),
                                    step.matchRules().isEmpty()
                                            ? ""
                                            : " with "
                                                    + step.matchRules().size()
                                                    + " match rule(s)"),
                            true));
        } catch (GatewayException e) {
            throw new CompletionException(e);
        }
    }

    /** The gateway's own failure inside {@code failure}, or one saying what went wrong instead. */
    private GatewayException gatewayFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof GatewayException gateway) {
            return gateway;
        }
        if (cause instanceof TimeoutException) {
            return new GatewayException(
                    "the gateway did not answer within " + callTimeout.toMillis() + " ms", true);
        }
        return new GatewayException(String.valueOf(cause), false, cause);
    }
}
