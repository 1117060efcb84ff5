package dev.glide.traffic.gateway;

import dev.glide.contract.Backend;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream endpoint a gateway sends a version's requests to, written {@code http://host:port} or
 * {@code host:port}: the same reading for every adapter that proxies to the step's endpoints
 * (embedded, NGINX).
 */
public record Upstream(String host, int port) {

    public static Upstream parse(String endpoint) throws GatewayException {
        try {
            URI uri = URI.create(endpoint.contains("://") ? endpoint : "http://" + endpoint);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            if (!"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("only http upstreams are supported");
            }
            return new Upstream(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    "endpoint '" + endpoint + "' is not http://host:port: " + e.getMessage(),
                    false);
        }
    }

    /**
     * One side's upstreams for a step, refused when that side is to get traffic (a weight or a
     * match rule sends it some) but names no endpoints.
     */
    public static List<Upstream> of(RolloutStep step, Role role) throws GatewayException {
        Backend backend = role == Role.CANARY ? step.canary() : step.stable();
        double weight = role == Role.CANARY ? step.weights().canary() : step.weights().stable();
        boolean serves = weight > 0 || step.matchRules().stream().anyMatch(r -> r.target() == role);
        if (serves && backend.endpoints().isEmpty()) {
            throw new GatewayException(
                    "the "
                            + (role == Role.CANARY ? "canary" : "stable")
                            + " version "
                            + backend.version()
                            + " is to get traffic but names no endpoints",
                    false);
        }
        List<Upstream> upstreams = new ArrayList<>();
        for (String endpoint : backend.endpoints()) {
            upstreams.add(parse(endpoint));
        }
        return List.copyOf(upstreams);
    }

    /** As NGINX's {@code server} directive writes it. */
    public String address() {
        return host + ":" + port;
    }
}
