package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * HAProxy through its Runtime API: the binding's route is the backend, its targets the stable and
 * canary servers. Both weights are chosen together ({@link HaproxyWeights}) and set in one batch,
 * the side that gains first and the side that loses second (make before break), so some server
 * always takes traffic. Read-back asks for the servers' state, which also shows a server someone
 * put in maintenance by hand.
 *
 * <p>Header and cookie routes need HAProxy configuration (ACLs, maps) that the Runtime API cannot
 * create, so a step with match rules is refused with that reason instead of being half applied.
 */
@ApplicationScoped
public class HaproxyGateway implements GatewayAdapter {

    public static final String TYPE = "haproxy";
    private static final Logger LOG = Logger.getLogger(HaproxyGateway.class);

    private final GatewayConfig.Haproxy config;
    private final RuntimeApi api;
    private final Map<String, RolloutStep> routes = new ConcurrentHashMap<>();

    HaproxyGateway(GatewayConfig config) {
        this.config = config.haproxy();
        this.api = new RuntimeApi(this.config.timeout());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double weightTolerance() {
        return 0.5;
    }

    @Override
    public void apply(RolloutStep step) throws GatewayException {
        GatewayBinding binding = step.gateway();
        if (!step.matchRules().isEmpty()) {
            throw new GatewayException(
                    "the haproxy adapter cannot route by header or cookie through the Runtime API; "
                            + "use the embedded or gateway-api adapter for match rules",
                    false);
        }
        String address = address(binding);
        String backend = binding.route();
        String stable = target(binding.stableTarget(), "stableTarget");
        String canary = target(binding.canaryTarget(), "canaryTarget");
        ServerStates before = states(address, backend);
        int currentCanary = before.weight(backend, canary);
        int[] wanted = HaproxyWeights.split(step.weights());
        String raiseStable = "set server " + backend + "/" + stable + " weight " + wanted[0];
        String raiseCanary = "set server " + backend + "/" + canary + " weight " + wanted[1];
        List<String> commands =
                wanted[1] > currentCanary
                        ? List.of(raiseCanary, raiseStable)
                        : List.of(raiseStable, raiseCanary);
        String answer = api.execute(address, commands).trim();
        if (!answer.isEmpty()) {
            throw new GatewayException(
                    "HAProxy refused '" + String.join("; ", commands) + "': " + answer, false);
        }
        routes.put(address + " " + backend, step);
        LOG.debugf(
                "[rollout %s] haproxy %s: %s",
                step.rolloutId(), address, String.join("; ", commands));
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) throws GatewayException {
        String address = address(binding);
        String backend = binding.route();
        String stable = target(binding.stableTarget(), "stableTarget");
        String canary = target(binding.canaryTarget(), "canaryTarget");
        ServerStates states = states(address, backend);
        Weights served =
                HaproxyWeights.served(
                        states.weight(backend, stable), states.weight(backend, canary));
        if (served == null) {
            throw new GatewayException(
                    "HAProxy backend '"
                            + backend
                            + "' serves neither version: "
                            + stable
                            + " ("
                            + describe(states, stable)
                            + "), "
                            + canary
                            + " ("
                            + describe(states, canary)
                            + ")",
                    false);
        }
        return new ServedTraffic(served, List.of());
    }

    /**
     * The newest step applied to each backend this adapter moved: what its metrics collector
     * watches.
     */
    Collection<RolloutStep> appliedSteps() {
        return new ArrayList<>(routes.values());
    }

    RuntimeApi api() {
        return api;
    }

    String address(GatewayBinding binding) throws GatewayException {
        if (binding.address() != null && !binding.address().isBlank()) {
            return binding.address();
        }
        return config.runtimeApi()
                .orElseThrow(
                        () ->
                                new GatewayException(
                                        "the binding of route '"
                                                + binding.route()
                                                + "' names no HAProxy Runtime API address and glide.gateway.haproxy.runtime-api is not set",
                                        false));
    }

    private ServerStates states(String address, String backend) throws GatewayException {
        return ServerStates.parse(
                backend, api.execute(address, List.of("show servers state " + backend)));
    }

    private static String describe(ServerStates states, String server) {
        String note = states.note(server);
        return note == null ? "weight 0" : note;
    }

    private static String target(String server, String field) throws GatewayException {
        if (server == null || server.isBlank()) {
            throw new GatewayException(
                    "the haproxy binding needs " + field + " (the server's name in the backend)",
                    false);
        }
        return server;
    }
}
