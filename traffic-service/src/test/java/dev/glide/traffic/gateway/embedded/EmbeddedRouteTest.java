package dev.glide.traffic.gateway.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.Backend;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class EmbeddedRouteTest {

    private static final UnaryOperator<String> NONE = name -> null;

    @Test
    void weightsSplitRequestsInTheirProportion() throws GatewayException {
        EmbeddedRoute route = EmbeddedRoute.of(step(25, List.of(), null));
        Random random = new Random(7);
        int canary = 0;
        for (int i = 0; i < 100_000; i++) {
            canary += route.choose(NONE, NONE, random.nextDouble() * 100) == Role.CANARY ? 1 : 0;
        }
        assertThat(canary).isBetween(24_000, 26_000);
    }

    @Test
    void aMatchingHeaderOrCookieWinsOverTheWeights() throws GatewayException {
        EmbeddedRoute route = EmbeddedRoute.of(step(0, List.of(
                new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "yes", Role.CANARY),
                new MatchRule(MatchRule.Kind.COOKIE, "region", "eu", Role.CANARY)), null));

        assertThat(route.choose(Map.of("X-Beta", "yes")::get, NONE, 99)).isEqualTo(Role.CANARY);
        assertThat(route.choose(Map.of("X-Beta", "no")::get, NONE, 0)).isEqualTo(Role.STABLE);
        assertThat(route.choose(NONE, Map.of("region", "eu")::get, 99)).isEqualTo(Role.CANARY);
        assertThat(route.choose(NONE, NONE, 0)).isEqualTo(Role.STABLE);
    }

    @Test
    void aStickyUserKeepsTheirVersionAndOnlyMovesToTheCanaryAsItGrows() throws GatewayException {
        EmbeddedRoute at10 = EmbeddedRoute.of(step(10, List.of(), "X-User"));
        EmbeddedRoute at50 = EmbeddedRoute.of(step(50, List.of(), "X-User"));
        int onCanaryAt10 = 0;
        for (int user = 0; user < 5_000; user++) {
            UnaryOperator<String> header = Map.of("X-User", "user-" + user)::get;
            Role first = at10.choose(header, NONE, 0);
            // whatever the dice say, the same user gets the same answer while the weights hold
            assertThat(at10.choose(header, NONE, 99.9)).isEqualTo(first);
            if (first == Role.CANARY) {
                onCanaryAt10++;
                assertThat(at50.choose(header, NONE, 99.9)).isEqualTo(Role.CANARY);
            }
        }
        assertThat(onCanaryAt10).isBetween(400, 600);
    }

    @Test
    void aVersionThatIsToServeMustNameEndpoints() {
        RolloutStep noCanaryEndpoints = new RolloutStep(1, "r-1", 1, "checkout", "prod",
                new Backend("v1", List.of("http://127.0.0.1:1")), new Backend("v2", List.of()), Weights.canaryPercent(5),
                List.of(), new GatewayBinding("embedded", "/checkout", null, null), null, Instant.now());
        assertThatThrownBy(() -> EmbeddedRoute.of(noCanaryEndpoints))
                .hasMessage("the canary version v2 is to get traffic but names no endpoints");
    }

    @Test
    void routesAreFoundByHostFirstThenTheLongestPathPrefix() throws GatewayException {
        RouteTable table = new RouteTable();
        EmbeddedRoute byHost = EmbeddedRoute.of(step(0, List.of(), null));
        EmbeddedRoute shop = EmbeddedRoute.of(step(0, List.of(), null));
        EmbeddedRoute shopCart = EmbeddedRoute.of(step(0, List.of(), null));
        table.put("checkout.local", byHost);
        table.put("/shop", shop);
        table.put("/shop/cart", shopCart);

        assertThat(table.find("checkout.local:8080", "/shop/cart")).isSameAs(byHost);
        assertThat(table.find("other", "/shop/cart/items")).isSameAs(shopCart);
        assertThat(table.find("other", "/shop")).isSameAs(shop);
        assertThat(table.find("other", "/shopping")).isNull();
    }

    private static RolloutStep step(double canary, List<MatchRule> rules, String stickyKey) {
        return new RolloutStep(1, "r-1", 1, "checkout", "prod", new Backend("v1", List.of("http://127.0.0.1:1")),
                new Backend("v2", List.of("127.0.0.1:2")), Weights.canaryPercent(canary), rules,
                new GatewayBinding("embedded", "/checkout", null, null), stickyKey, Instant.now());
    }
}
