package dev.glide.traffic.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.Backend;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gateway API adapter against fabric8's Kubernetes mock server in CRUD mode (a stored
 * HTTPRoute).
 */
@EnableKubernetesMockClient(crud = true)
class GatewayApiGatewayTest {

    private static final GatewayBinding BINDING =
            new GatewayBinding("gateway-api", "shop/checkout", "checkout-v1", "checkout-v2");

    KubernetesMockServer server;
    KubernetesClient client;
    private GatewayApiGateway gateway;

    @BeforeEach
    void storeTheRoute() {
        gateway = new GatewayApiGateway(client, "default");
        client.resources(HTTPRoute.class)
                .inNamespace("shop")
                .resource(
                        new HTTPRouteBuilder()
                                .withNewMetadata()
                                .withName("checkout")
                                .withNamespace("shop")
                                .endMetadata()
                                .withNewSpec()
                                .addNewParentRef()
                                .withName("public")
                                .endParentRef()
                                .addNewRule()
                                .addNewMatch()
                                .withNewPath()
                                .withType("PathPrefix")
                                .withValue("/checkout")
                                .endPath()
                                .endMatch()
                                .addNewBackendRef()
                                .withName("checkout-v1")
                                .withPort(8080)
                                .withWeight(1)
                                .endBackendRef()
                                .endRule()
                                .addNewRule()
                                .addNewMatch()
                                .withNewPath()
                                .withType("PathPrefix")
                                .withValue("/health")
                                .endPath()
                                .endMatch()
                                .addNewBackendRef()
                                .withName("health")
                                .withPort(8080)
                                .endBackendRef()
                                .endRule()
                                .endSpec()
                                .build())
                .create();
    }

    @Test
    void weightsGoThroughEveryStepAndReadBackAsWritten() throws GatewayException {
        for (double canary : new double[] {1, 5, 25, 50, 100, 0}) {
            gateway.apply(step(canary, List.of()));

            ServedTraffic served = gateway.read(BINDING);
            assertThat(served.weights()).isEqualTo(Weights.canaryPercent(canary));
            HTTPRouteRule main = stored().getSpec().getRules().get(0);
            assertThat(main.getBackendRefs())
                    .extracting(r -> r.getName() + "=" + r.getWeight())
                    .containsExactly(
                            "checkout-v1=" + Math.round((100 - canary) * 100),
                            "checkout-v2=" + Math.round(canary * 100));
        }
        // the canary backendRef was added beside the stable one, on its port; the other rule is
        // untouched
        assertThat(stored().getSpec().getRules().get(0).getBackendRefs().get(1).getPort())
                .isEqualTo(8080);
        assertThat(stored().getSpec().getRules().get(1).getBackendRefs())
                .extracting(r -> r.getName())
                .containsExactly("health");
    }

    @Test
    void matchRulesBecomeRulesOfTheirOwnBeforeTheMainOneAndAreReplacedByTheNextStep()
            throws GatewayException {
        List<MatchRule> rules =
                List.of(
                        new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "yes", Role.CANARY),
                        new MatchRule(MatchRule.Kind.COOKIE, "region", "eu", Role.CANARY));
        gateway.apply(step(0, rules));

        List<HTTPRouteRule> stored = stored().getSpec().getRules();
        assertThat(stored)
                .extracting(HTTPRouteRule::getName)
                .containsExactly("glide-match-1", "glide-match-2", null, null);
        assertThat(stored.get(0).getMatches().get(0).getPath().getValue()).isEqualTo("/checkout");
        assertThat(stored.get(0).getMatches().get(0).getHeaders().get(0).getName())
                .isEqualTo("X-Beta");
        assertThat(stored.get(1).getMatches().get(0).getHeaders().get(0).getValue())
                .isEqualTo("(^|;\\s*)region=eu(;|$)");
        assertThat(gateway.read(BINDING).matchRules()).containsExactlyElementsOf(rules);

        gateway.apply(step(100, List.of()));
        assertThat(stored().getSpec().getRules()).hasSize(2);
        assertThat(gateway.read(BINDING).matchRules()).isEmpty();
    }

    @Test
    void aMirrorIsARequestMirrorFilterToTheCanaryReadBackAndRemovedByTheNextStep()
            throws GatewayException {
        Mirror everywhere = new Mirror(20.5, List.of());
        gateway.apply(step(0, List.of(), everywhere));

        HTTPRouteRule main = stored().getSpec().getRules().get(0);
        assertThat(main.getFilters()).hasSize(1);
        assertThat(main.getFilters().get(0).getType()).isEqualTo("RequestMirror");
        assertThat(main.getFilters().get(0).getRequestMirror().getBackendRef().getName())
                .isEqualTo("checkout-v2");
        assertThat(main.getFilters().get(0).getRequestMirror().getFraction().getNumerator())
                .isEqualTo(2050);
        assertThat(main.getBackendRefs())
                .extracting(r -> r.getName() + "=" + r.getWeight())
                .containsExactly("checkout-v1=10000", "checkout-v2=0");
        assertThat(gateway.read(BINDING).mirror()).isEqualTo(everywhere);

        Mirror onlyEu =
                new Mirror(
                        50,
                        List.of(
                                new MatchRule(
                                        MatchRule.Kind.HEADER, "x-region", "eu", Role.CANARY)));
        gateway.apply(step(0, List.of(), onlyEu));
        List<HTTPRouteRule> rules = stored().getSpec().getRules();
        assertThat(rules)
                .extracting(HTTPRouteRule::getName)
                .containsExactly("glide-mirror-1", null, null);
        assertThat(rules.get(0).getBackendRefs())
                .extracting(r -> r.getName() + "=" + r.getWeight())
                .containsExactly("checkout-v1=10000", "checkout-v2=0");
        assertThat(rules.get(1).getFilters()).isNullOrEmpty();
        assertThat(gateway.read(BINDING).mirror()).isEqualTo(onlyEu);

        gateway.apply(step(10, List.of(), null));
        assertThat(stored().getSpec().getRules()).hasSize(2);
        assertThat(stored().getSpec().getRules().get(0).getFilters()).isNullOrEmpty();
        assertThat(gateway.read(BINDING).mirror()).isNull();
    }

    @Test
    void aMissingRouteOrBackendIsNamed() {
        GatewayBinding missing =
                new GatewayBinding("gateway-api", "shop/payments", "payments-v1", "payments-v2");
        assertThatThrownBy(() -> gateway.read(missing))
                .hasMessage("HTTPRoute shop/payments does not exist");
        GatewayBinding wrongServices =
                new GatewayBinding("gateway-api", "shop/checkout", "cart-v1", "cart-v2");
        assertThatThrownBy(() -> gateway.read(wrongServices))
                .hasMessage(
                        "HTTPRoute shop/checkout has no rule with a backendRef to 'cart-v1' or 'cart-v2'");
    }

    private HTTPRoute stored() {
        return client.resources(HTTPRoute.class).inNamespace("shop").withName("checkout").get();
    }

    private static RolloutStep step(double canary, List<MatchRule> rules) {
        return step(canary, rules, null);
    }

    private static RolloutStep step(double canary, List<MatchRule> rules, Mirror mirror) {
        return new RolloutStep(
                1,
                "r-1",
                1,
                "checkout",
                "prod",
                new Backend("v1", List.of()),
                new Backend("v2", List.of()),
                Weights.canaryPercent(canary),
                rules,
                BINDING,
                null,
                Instant.now(),
                mirror);
    }
}
