package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 * @param drift what the traffic service does when the gateway serves something other than the
 *     newest step: {@code correct} it (the default), {@code report} it and change nothing (a GitOps
 *     controller owns the route), or nothing at all ({@code off}); see {@link Drift}
 */
public record GatewayBinding(
        @NotBlank String adapter,
        @NotBlank String route,
        String stableTarget,
        String canaryTarget,
        String address,
        String drift) {

    private static final Pattern NGINX_HEADER = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern NGINX_COOKIE = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public GatewayBinding(String adapter, String route, String stableTarget, String canaryTarget) {
        this(adapter, route, stableTarget, canaryTarget, null, null);
    }

    public GatewayBinding(
            String adapter,
            String route,
            String stableTarget,
            String canaryTarget,
            String address) {
        this(adapter, route, stableTarget, canaryTarget, address, null);
    }

    /**
     * What the traffic service's reconciler does about a route whose gateway serves something other
     * than its newest step.
     */
    public enum Drift {
        /** Apply the step again and report the correction (Glide owns the route). */
        CORRECT("correct"),
        /**
         * Publish what was found and note it in the rollout's history, change nothing (someone
         * else, e.g. Argo CD or Flux, owns the route and would undo a correction).
         */
        REPORT("report"),
        /** Never read the route back after its step was confirmed. */
        OFF("off");

        private final String value;

        Drift(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Optional<Drift> named(String value) {
            return Arrays.stream(values()).filter(d -> d.value.equals(value)).findFirst();
        }
    }

    /** This binding's drift policy: {@code correct} unless it names another. */
    public Drift driftPolicy() {
        return drift == null ? Drift.CORRECT : Drift.named(drift).orElse(Drift.CORRECT);
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

        /**
         * Why this adapter cannot serve the rule, naming the adapter; empty when it can. Checked by
         * the planner when a service is registered or released and by the adapter itself.
         */
        public Optional<String> refuses(MatchRule rule) {
            String kind = rule.kind().name().toLowerCase(Locale.ROOT);
            return switch (this) {
                case NGINX ->
                        rule.kind() == MatchRule.Kind.HEADER
                                ? refusesHeaderName(rule.name())
                                : NGINX_COOKIE.matcher(rule.name()).matches()
                                        ? Optional.empty()
                                        : Optional.of(
                                                "the nginx adapter cannot match cookie '"
                                                        + rule.name()
                                                        + "': NGINX names a cookie in a variable, which takes only letters, digits and _");
                case HAPROXY ->
                        (rule.name() + rule.value()).chars().anyMatch(c -> c < 0x20 || c > 0x7e)
                                ? Optional.of(
                                        "the haproxy adapter matches printable ASCII names and values only; "
                                                + kind
                                                + " '"
                                                + rule.name()
                                                + "' has other characters")
                                : rule.kind() == MatchRule.Kind.COOKIE && rule.name().contains("=")
                                        ? Optional.of(
                                                "the haproxy adapter cannot match cookie '"
                                                        + rule.name()
                                                        + "': a cookie name cannot contain '='")
                                        : Optional.empty();
                default -> Optional.empty();
            };
        }

        /**
         * Why this adapter cannot run an experiment (a control and variants on one route, users
         * kept on theirs); empty when it can.
         */
        public Optional<String> refusesExperiments() {
            return switch (this) {
                case EMBEDDED, NOOP -> Optional.empty();
                default ->
                        Optional.of(
                                "the "
                                        + type
                                        + " adapter cannot run experiments (more than two versions on one route, each user kept on one); use the embedded adapter");
            };
        }

        /** Why this adapter cannot mirror requests; empty when it can. */
        public Optional<String> refusesMirror() {
            return switch (this) {
                case HAPROXY ->
                        Optional.of(
                                "the haproxy adapter cannot mirror requests: HAProxy has no native mirroring; use the embedded, nginx or gateway-api adapter");
                default -> Optional.empty();
            };
        }

        /** Why this adapter cannot keep users sticky by {@code key}; empty when it can. */
        public Optional<String> refusesStickyKey(String key) {
            return this == NGINX ? refusesHeaderName(key) : Optional.empty();
        }

        private static Optional<String> refusesHeaderName(String name) {
            return NGINX_HEADER.matcher(name).matches()
                    ? Optional.empty()
                    : Optional.of(
                            "the nginx adapter cannot match header '"
                                    + name
                                    + "': only letters, digits, - and _ make a header NGINX can name");
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
        if (drift != null && Drift.named(drift).isEmpty()) {
            problems.add(
                    field
                            + ".drift: '"
                            + drift
                            + "' is not one of "
                            + Arrays.stream(Drift.values())
                                    .map(Drift::value)
                                    .collect(Collectors.joining(", ")));
        }
        return problems;
    }

    /**
     * Why this binding's adapter cannot serve these match rules, sticky key and mirror (the ones a
     * strategy's steps will ask for), each naming {@code field}; empty when it can.
     */
    public List<String> routeProblems(
            String field, List<MatchRule> rules, String stickyKey, Mirror mirror) {
        Optional<Adapter> known = Adapter.named(adapter);
        if (known.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        rules.forEach(
                rule -> known.get().refuses(rule).ifPresent(p -> problems.add(field + ": " + p)));
        if (stickyKey != null) {
            known.get()
                    .refusesStickyKey(stickyKey)
                    .ifPresent(p -> problems.add(field + ".stickyKey: " + p));
        }
        if (mirror != null) {
            known.get().refusesMirror().ifPresent(p -> problems.add(field + ".mirror: " + p));
            mirror.match()
                    .forEach(
                            rule ->
                                    known.get()
                                            .refuses(rule)
                                            .ifPresent(p -> problems.add(field + ".mirror: " + p)));
        }
        return problems;
    }

    /** The endpoint schemes this binding's adapter reaches; http alone for an unknown one. */
    public Set<String> schemes() {
        return Adapter.named(adapter).map(Adapter::schemes).orElse(Set.of("http"));
    }
}
