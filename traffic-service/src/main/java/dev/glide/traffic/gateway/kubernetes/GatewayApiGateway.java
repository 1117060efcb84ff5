package dev.glide.traffic.gateway.kubernetes;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes Gateway API: the binding's route is an HTTPRoute, its targets the Services of two
 * backendRefs in one rule (the route's main rule). A step is one write of the whole HTTPRoute,
 * weights and match rules together, so the gateway moves from one split to the next atomically.
 * Match rules become rules of their own, named {@value #RULE_PREFIX}N and placed before the main
 * rule with its path matches plus the header (a cookie is a regular-expression match on the Cookie
 * header, the API having no cookie match). Weights are written in hundredths of a percent.
 */
@ApplicationScoped
public class GatewayApiGateway implements GatewayAdapter {

    public static final String TYPE = "gateway-api";
    static final String RULE_PREFIX = "glide-match-";
    static final String MIRROR_PREFIX = "glide-mirror-";
    private static final Pattern COOKIE_MATCH =
            Pattern.compile("\\(\\^\\|;\\\\s\\*\\)(.+?)=(.+)\\(;\\|\\$\\)");

    private final String defaultNamespace;
    private final GatewayConfig.Kubernetes config;
    private KubernetesClient client;

    @Inject
    GatewayApiGateway(GatewayConfig config) {
        this.config = config.kubernetes();
        this.defaultNamespace = this.config.namespace();
    }

    GatewayApiGateway(KubernetesClient client, String defaultNamespace) {
        this.config = null;
        this.client = client;
        this.defaultNamespace = defaultNamespace;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void apply(RolloutStep step) throws GatewayException {
        GatewayBinding binding = step.gateway();
        Resource<HTTPRoute> route = route(binding);
        try {
            HTTPRoute current = route.get();
            if (current == null) {
                throw new GatewayException("HTTPRoute " + name(binding) + " does not exist", false);
            }
            HTTPRouteRule main = mainRule(current, binding);
            setWeights(main, binding, step.weights());
            setMirror(
                    main,
                    binding,
                    step.mirror() != null && step.mirror().match().isEmpty()
                            ? step.mirror()
                            : null);
            List<HTTPRouteRule> rules = new ArrayList<>();
            for (int i = 0; i < step.matchRules().size(); i++) {
                rules.add(
                        matchRule(RULE_PREFIX + (i + 1), step.matchRules().get(i), main, binding));
            }
            if (step.mirror() != null) {
                List<MatchRule> only = step.mirror().match();
                for (int i = 0; i < only.size(); i++) {
                    // the mirrored requests keep the main rule's split; only a copy goes to the
                    // canary
                    HTTPRouteRule mirrored =
                            matchRule(MIRROR_PREFIX + (i + 1), only.get(i), main, binding);
                    mirrored.setBackendRefs(
                            main.getBackendRefs().stream()
                                    .map(r -> r.toBuilder().build())
                                    .toList());
                    setMirror(mirrored, binding, step.mirror());
                    rules.add(mirrored);
                }
            }
            for (HTTPRouteRule rule : current.getSpec().getRules()) {
                if (!isManaged(rule)) {
                    rules.add(rule);
                }
            }
            current.getSpec().setRules(rules);
            // The read resourceVersion makes this an optimistic write: a concurrent edit fails with
            // 409 and is retried.
            client().resource(current).update();
        } catch (KubernetesClientException e) {
            throw failure("could not update HTTPRoute " + name(binding), e);
        }
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) throws GatewayException {
        try {
            HTTPRoute current = route(binding).get();
            if (current == null) {
                throw new GatewayException("HTTPRoute " + name(binding) + " does not exist", false);
            }
            HTTPRouteRule main = mainRule(current, binding);
            long stable = weightOf(main, target(binding.stableTarget(), "stableTarget"));
            long canary = weightOf(main, target(binding.canaryTarget(), "canaryTarget"));
            if (stable + canary == 0) {
                throw new GatewayException(
                        "HTTPRoute " + name(binding) + " gives both backendRefs weight 0", false);
            }
            double canaryPercent = 100.0 * canary / (stable + canary);
            List<MatchRule> matchRules = new ArrayList<>();
            List<MatchRule> mirrorRules = new ArrayList<>();
            Double mirrorPercent = mirrorPercent(main, binding);
            for (HTTPRouteRule rule : current.getSpec().getRules()) {
                if (isManaged(rule) && rule.getName().startsWith(MIRROR_PREFIX)) {
                    MatchRule read = readMatchRule(rule, binding);
                    mirrorRules.add(
                            new MatchRule(read.kind(), read.name(), read.value(), Role.CANARY));
                    mirrorPercent = mirrorPercent(rule, binding);
                } else if (isManaged(rule)) {
                    matchRules.add(readMatchRule(rule, binding));
                }
            }
            return new ServedTraffic(
                    new Weights(100 - canaryPercent, canaryPercent),
                    matchRules,
                    mirrorPercent == null ? null : new Mirror(mirrorPercent, mirrorRules));
        } catch (KubernetesClientException e) {
            throw failure("could not read HTTPRoute " + name(binding), e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
        }
    }

    private synchronized KubernetesClient client() {
        if (client == null) {
            Config base = new ConfigBuilder().build();
            config.masterUrl().ifPresent(base::setMasterUrl);
            client = new KubernetesClientBuilder().withConfig(base).build();
        }
        return client;
    }

    private Resource<HTTPRoute> route(GatewayBinding binding) {
        String[] parts = namespaceAndName(binding);
        return client().resources(HTTPRoute.class).inNamespace(parts[0]).withName(parts[1]);
    }

    private String[] namespaceAndName(GatewayBinding binding) {
        String route = binding.route();
        int slash = route.indexOf('/');
        return slash > 0
                ? new String[] {route.substring(0, slash), route.substring(slash + 1)}
                : new String[] {defaultNamespace, route};
    }

    private String name(GatewayBinding binding) {
        String[] parts = namespaceAndName(binding);
        return parts[0] + "/" + parts[1];
    }

    private static boolean isManaged(HTTPRouteRule rule) {
        return rule.getName() != null
                && (rule.getName().startsWith(RULE_PREFIX)
                        || rule.getName().startsWith(MIRROR_PREFIX));
    }

    /**
     * Sets (or with {@code mirror} null, removes) the rule's RequestMirror filter to the canary
     * Service: the share as a fraction in hundredths of a percent. Other filters stay.
     */
    private static void setMirror(HTTPRouteRule rule, GatewayBinding binding, Mirror mirror) {
        List<HTTPRouteFilter> filters = new ArrayList<>();
        if (rule.getFilters() != null) {
            for (HTTPRouteFilter filter : rule.getFilters()) {
                if (!isGlideMirror(filter, binding)) {
                    filters.add(filter);
                }
            }
        }
        if (mirror != null) {
            HTTPBackendRef template =
                    rule.getBackendRefs().stream()
                            .filter(ref -> binding.canaryTarget().equals(ref.getName()))
                            .findFirst()
                            .orElse(rule.getBackendRefs().get(0));
            HTTPRequestMirrorFilter copy = new HTTPRequestMirrorFilter();
            copy.setBackendRef(
                    new BackendObjectReferenceBuilder()
                            .withName(binding.canaryTarget())
                            .withPort(template.getPort())
                            .withNamespace(template.getNamespace())
                            .build());
            Fraction share = new Fraction();
            share.setNumerator((int) Math.round(mirror.percent() * 100));
            share.setDenominator(10_000);
            copy.setFraction(share);
            HTTPRouteFilter filter = new HTTPRouteFilter();
            filter.setType("RequestMirror");
            filter.setRequestMirror(copy);
            filters.add(filter);
        }
        rule.setFilters(filters.isEmpty() ? null : filters);
    }

    private static boolean isGlideMirror(HTTPRouteFilter filter, GatewayBinding binding) {
        return "RequestMirror".equals(filter.getType())
                && filter.getRequestMirror() != null
                && filter.getRequestMirror().getBackendRef() != null
                && binding.canaryTarget()
                        .equals(filter.getRequestMirror().getBackendRef().getName());
    }

    /** The share the rule mirrors to the canary, or null when it mirrors nothing to it. */
    private static Double mirrorPercent(HTTPRouteRule rule, GatewayBinding binding) {
        if (rule.getFilters() == null) {
            return null;
        }
        for (HTTPRouteFilter filter : rule.getFilters()) {
            if (isGlideMirror(filter, binding)) {
                HTTPRequestMirrorFilter copy = filter.getRequestMirror();
                if (copy.getFraction() != null) {
                    int denominator =
                            copy.getFraction().getDenominator() == null
                                    ? 100
                                    : copy.getFraction().getDenominator();
                    return 100.0 * copy.getFraction().getNumerator() / denominator;
                }
                return copy.getPercent() == null ? 100.0 : copy.getPercent().doubleValue();
            }
        }
        return null;
    }

    /**
     * The first rule not managed by Glide whose backendRefs name the stable or the canary Service.
     */
    private HTTPRouteRule mainRule(HTTPRoute route, GatewayBinding binding)
            throws GatewayException {
        String stable = target(binding.stableTarget(), "stableTarget");
        String canary = target(binding.canaryTarget(), "canaryTarget");
        if (route.getSpec() != null && route.getSpec().getRules() != null) {
            for (HTTPRouteRule rule : route.getSpec().getRules()) {
                if (!isManaged(rule)
                        && rule.getBackendRefs() != null
                        && rule.getBackendRefs().stream()
                                .anyMatch(
                                        ref ->
                                                stable.equals(ref.getName())
                                                        || canary.equals(ref.getName()))) {
                    return rule;
                }
            }
        }
        throw new GatewayException(
                "HTTPRoute "
                        + name(binding)
                        + " has no rule with a backendRef to '"
                        + stable
                        + "' or '"
                        + canary
                        + "'",
                false);
    }

    private static void setWeights(HTTPRouteRule main, GatewayBinding binding, Weights weights) {
        HTTPBackendRef stable = ensureRef(main, binding.stableTarget(), binding.canaryTarget());
        HTTPBackendRef canary = ensureRef(main, binding.canaryTarget(), binding.stableTarget());
        stable.setWeight((int) Math.round(weights.stable() * 100));
        canary.setWeight((int) Math.round(weights.canary() * 100));
    }

    /**
     * The backendRef to a Service, added as a copy of its sibling (same port, kind, namespace) when
     * missing.
     */
    private static HTTPBackendRef ensureRef(HTTPRouteRule rule, String service, String sibling) {
        for (HTTPBackendRef ref : rule.getBackendRefs()) {
            if (service.equals(ref.getName())) {
                return ref;
            }
        }
        HTTPBackendRef template =
                rule.getBackendRefs().stream()
                        .filter(ref -> sibling.equals(ref.getName()))
                        .findFirst()
                        .orElseThrow();
        HTTPBackendRef added = template.toBuilder().withName(service).build();
        List<HTTPBackendRef> refs = new ArrayList<>(rule.getBackendRefs());
        refs.add(added);
        rule.setBackendRefs(refs);
        return added;
    }

    private static long weightOf(HTTPRouteRule rule, String service) {
        return rule.getBackendRefs().stream()
                .filter(ref -> service.equals(ref.getName()))
                .mapToLong(ref -> ref.getWeight() == null ? 1 : ref.getWeight())
                .sum();
    }

    private static HTTPRouteRule matchRule(
            String name, MatchRule rule, HTTPRouteRule main, GatewayBinding binding) {
        HTTPHeaderMatch header =
                rule.kind() == MatchRule.Kind.HEADER
                        ? new HTTPHeaderMatch(rule.name(), "Exact", rule.value())
                        : new HTTPHeaderMatch(
                                "Cookie",
                                "RegularExpression",
                                "(^|;\\s*)" + rule.name() + "=" + rule.value() + "(;|$)");
        List<HTTPRouteMatch> matches = new ArrayList<>();
        List<HTTPRouteMatch> mainMatches =
                main.getMatches() == null || main.getMatches().isEmpty()
                        ? List.of(new HTTPRouteMatch())
                        : main.getMatches();
        for (HTTPRouteMatch mainMatch : mainMatches) {
            HTTPRouteMatch match = mainMatch.toBuilder().build();
            List<HTTPHeaderMatch> headers =
                    new ArrayList<>(match.getHeaders() == null ? List.of() : match.getHeaders());
            headers.add(header);
            match.setHeaders(headers);
            matches.add(match);
        }
        String service =
                rule.target() == Role.CANARY ? binding.canaryTarget() : binding.stableTarget();
        String sibling =
                rule.target() == Role.CANARY ? binding.stableTarget() : binding.canaryTarget();
        HTTPBackendRef template =
                main.getBackendRefs().stream()
                        .filter(
                                ref ->
                                        service.equals(ref.getName())
                                                || sibling.equals(ref.getName()))
                        .findFirst()
                        .orElseThrow();
        HTTPBackendRef ref = template.toBuilder().withName(service).withWeight(1).build();
        HTTPRouteRule managed = new HTTPRouteRule();
        managed.setName(name);
        managed.setMatches(matches);
        managed.setBackendRefs(List.of(ref));
        return managed;
    }

    private static MatchRule readMatchRule(HTTPRouteRule rule, GatewayBinding binding)
            throws GatewayException {
        Role target =
                binding.canaryTarget().equals(rule.getBackendRefs().get(0).getName())
                        ? Role.CANARY
                        : Role.STABLE;
        List<HTTPHeaderMatch> headers = rule.getMatches().get(0).getHeaders();
        HTTPHeaderMatch header = headers.get(headers.size() - 1);
        if ("Cookie".equals(header.getName()) && "RegularExpression".equals(header.getType())) {
            Matcher cookie = COOKIE_MATCH.matcher(header.getValue());
            if (cookie.matches()) {
                return new MatchRule(
                        MatchRule.Kind.COOKIE, cookie.group(1), cookie.group(2), target);
            }
            throw new GatewayException(
                    "rule "
                            + rule.getName()
                            + " has a Cookie match Glide did not write: "
                            + header.getValue(),
                    false);
        }
        return new MatchRule(MatchRule.Kind.HEADER, header.getName(), header.getValue(), target);
    }

    private static String target(String service, String field) throws GatewayException {
        if (service == null || service.isBlank()) {
            throw new GatewayException(
                    "the gateway-api binding needs " + field + " (the Service of a backendRef)",
                    false);
        }
        return service;
    }

    private static GatewayException failure(String what, KubernetesClientException e) {
        int code = e.getCode();
        boolean transientFailure = code == 0 || code == 409 || code == 429 || code >= 500;
        return new GatewayException(
                what + ": " + (code == 0 ? "" : "HTTP " + code + " ") + e.getMessage(),
                transientFailure,
                e);
    }
}
