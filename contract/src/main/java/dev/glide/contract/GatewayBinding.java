package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which gateway adapter moves a service's traffic, and the names it knows the service by.
 *
 * <ul>
 *   <li>{@code embedded}: {@code route} is a Host name ({@code checkout.local}) or a path prefix
 *       ({@code /checkout}); the targets are unused, the step's backends carry the upstream
 *       endpoints.
 *   <li>{@code haproxy}: {@code route} is the backend, the targets its two servers, {@code address}
 *       the Runtime API socket ({@code unix:/run/haproxy/admin.sock} or {@code host:port}).
 *   <li>{@code gateway-api}: {@code route} is the HTTPRoute ({@code namespace/name} or {@code
 *       name}), the targets the Services of its two backendRefs.
 *   <li>{@code nginx}: {@code route} is the route's host name (its {@code server_name}), {@code
 *       address} where it listens ({@code 127.0.0.1:8081} or {@code 80}); the step's backends carry
 *       the upstream endpoints.
 *   <li>{@code noop}: a dry run; only {@code route} is used.
 * </ul>
 *
 * @param address where the adapter reaches the gateway, when the adapter's configured default is
 *     not the one
 */
public record GatewayBinding(
        @NotBlank String adapter,
        @NotBlank String route,
        String stableTarget,
        String canaryTarget,
        String address) {

    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public GatewayBinding(String adapter, String route, String stableTarget, String canaryTarget) {
        this(adapter, route, stableTarget, canaryTarget, null);
    }

    /**
     * The adapters the traffic service serves, shared by the planner (which refuses a binding to
     * any other at the door) and the traffic service (which refuses to start when its adapters are
     * not exactly these, so the two cannot drift apart).
     */
    public enum Adapter {
        EMBEDDED("embedded", false, Set.of("http")),
        HAPROXY("haproxy", true, Set.of("http", "https")),
        GATEWAY_API("gateway-api", true, Set.of("http", "https")),
        NGINX("nginx", false, Set.of("http")),
        NOOP("noop", false, Set.of("http", "https"));

        private final String type;
        private final boolean needsTargets;
        private final Set<String> schemes;

        Adapter(String type, boolean needsTargets, Set<String> schemes) {
            this.type = type;
            this.needsTargets = needsTargets;
            this.schemes = schemes;
        }

        /** The name a binding gives: {@code gateway-api}. */
        public String type() {
            return type;
        }

        /** Whether the binding must name its stable and canary targets. */
        public boolean needsTargets() {
            return needsTargets;
        }

        /** The endpoint schemes this adapter can send requests to. */
        public Set<String> schemes() {
            return schemes;
        }

        public static Optional<Adapter> named(String type) {
            return Arrays.stream(values()).filter(a -> a.type.equals(type)).findFirst();
        }

        /** Every adapter's name, in declaration order. */
        public static List<String> types() {
            return Arrays.stream(values()).map(Adapter::type).toList();
        }
    }

    /**
     * Why this binding cannot be served, each problem naming its field under {@code field}; empty
     * when it can.
     */
    public List<String> problems(String field) {
        List<String> problems = new ArrayList<>();
        Optional<Adapter> known = Adapter.named(adapter);
        if (known.isEmpty()) {
            problems.add(
                    field
                            + ".adapter: '"
                            + adapter
                            + "' is not one of "
                            + String.join(", ", Adapter.types()));
        } else if (known.get() == Adapter.NGINX
                && (route == null || !HOST_NAME.matcher(route).matches())) {
            problems.add(
                    field
                            + ".route: '"
                            + route
                            + "' is not a host name (letters, digits, dots and dashes), which the nginx adapter serves the route as (its server_name)");
        } else if (known.get().needsTargets()) {
            if (stableTarget == null || stableTarget.isBlank()) {
                problems.add(field + ".stableTarget: must be given for adapter '" + adapter + "'");
            }
            if (canaryTarget == null || canaryTarget.isBlank()) {
                problems.add(field + ".canaryTarget: must be given for adapter '" + adapter + "'");
            }
        }
        return problems;
    }

    /** The endpoint schemes this binding's adapter reaches; http alone for an unknown one. */
    public Set<String> schemes() {
        return Adapter.named(adapter).map(Adapter::schemes).orElse(Set.of("http"));
    }
}
