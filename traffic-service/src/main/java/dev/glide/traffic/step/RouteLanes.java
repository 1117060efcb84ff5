package dev.glide.traffic.step;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.concurrent.DaemonThreads;
import dev.glide.contract.kafka.KeyedLanes;
import dev.glide.traffic.config.TrafficConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One lane per gateway route: work on a route (a step, a reconcile, a replica's catch-up) runs
 * strictly after the work submitted to that route before it, and concurrently with every other
 * route's ({@link KeyedLanes}, {@code glide.traffic.workers} of them at once). Talking to a gateway
 * runs on a pool of its own that grows as calls need: a route whose gateway hangs holds a call
 * thread until its timeout, never a worker another route is queued for, and its retries' pauses
 * hold no thread at all.
 */
@ApplicationScoped
public class RouteLanes {

    private final KeyedLanes lanes;
    private final ExecutorService calls;

    RouteLanes(TrafficConfig config) {
        this.lanes = new KeyedLanes("traffic", config.workers(), config.maxStepsInFlight());
        this.calls = Executors.newCachedThreadPool(DaemonThreads.named("glide-gateway-call"));
    }

    /** The lane a binding's work runs in: its adapter, the gateway's address and the route. */
    public static String laneOf(GatewayBinding binding) {
        return binding.adapter()
                + " "
                + (binding.address() == null ? "" : binding.address())
                + " "
                + binding.route();
    }

    /** Where a gateway is talked to (bounded by the caller's timeout). */
    public ExecutorService calls() {
        return calls;
    }

    /** {@link KeyedLanes#submit} on the route's lane. */
    public <T> CompletableFuture<T> submit(String lane, Supplier<CompletableFuture<T>> task) {
        return lanes.submit(lane, task);
    }

    /** Work on a route's lane that talks to its gateway: it runs on the call pool. */
    public <T> CompletableFuture<T> submitCall(String lane, Supplier<T> call) {
        return lanes.submit(lane, () -> CompletableFuture.supplyAsync(call, calls));
    }

    /**
     * {@link KeyedLanes#consume}: a step record, in its route's lane; an urgent one (users back to
     * stable) ahead of other routes' queued work.
     */
    public CompletionStage<Void> consume(
            Message<?> message, String lane, boolean urgent, Supplier<CompletableFuture<?>> work) {
        return lanes.consume(message, lane, urgent, work);
    }

    /** Lanes with work queued or running. */
    public int busy() {
        return lanes.busy();
    }

    @PreDestroy
    void stop() {
        lanes.close();
        calls.shutdownNow();
    }
}
