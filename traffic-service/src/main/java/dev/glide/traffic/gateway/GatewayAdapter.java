package dev.glide.traffic.gateway;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.seam.Typed;

/**
 * The seam between a rollout and a gateway: one implementation per kind of gateway, chosen by the
 * service's {@link GatewayBinding#adapter()}.
 *
 * <p>{@link #apply} must order its changes so that some version always serves (make before break:
 * raise the side that gains before lowering the side that loses, or change both in one atomic
 * write), and {@link #read} must ask the gateway itself, since applying a weight is not the same as
 * the gateway serving it.
 */
public interface GatewayAdapter extends Typed {

    /**
     * The name a binding uses to choose this adapter, also used in logs, metrics and
     * traffic-applied events.
     */
    String type();

    /** Moves the gateway to the step's weights and match rules. */
    void apply(RolloutStep step) throws GatewayException;

    /** What the gateway serves now for the binding's route, as the gateway reports it. */
    ServedTraffic read(GatewayBinding binding) throws GatewayException;

    /**
     * How far, in percentage points, a read-back weight may sit from the desired one and still be
     * what was asked: the gateway's own rounding (HAProxy's integer weights), not drift.
     */
    default double weightTolerance() {
        return 0.01;
    }

    /**
     * True when every replica of the traffic service has a gateway of its own (the embedded
     * gateway, the dry run): a replica that did not consume a step has not applied it, which is
     * catching up to do, not drift to report. False for a gateway all replicas share (HAProxy, the
     * Kubernetes API), where a difference is someone's edit.
     */
    default boolean perReplica() {
        return false;
    }
}
