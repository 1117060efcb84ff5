package dev.glide.traffic.gateway.embedded;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class EmbeddedRouteTest {

    private static final UnaryOperator<String> NONE = name -> null;

    @Test
    void weightsSplitEveryRunOfRequestsInTheirProportionToWithinOneRequest()
            throws GatewayException {
        for (double share : new double[] {0.1, 1, 5, 25, 50, 99, 100}) {
            EmbeddedRoute route = EmbeddedRoute.of(step(share, List.of(), null));
            int[] canaryPerThousand = new int[100];
            for (int i = 0; i < 100_000; i++) {
                canaryPerThousand[i / 1000] += route.choose(NONE, NONE) == Role.CANARY ? 1 : 0;
            }
            for (int run : canaryPerThousand) {
                assertThat((double) run)
                        .as("canary answers in a run of 1000 requests at %s %%", share)
                        .isBetween(share * 10 - 1, share * 10 + 1);
            }
        }
    }

    @Test
    void noCanaryMeansNoRequestReachesIt() throws GatewayException {
        EmbeddedRoute route = EmbeddedRoute.of(step(0, List.of(), null));
        for (int i = 0; i < 10_000; i++) {
            assertThat(route.choose(NONE, NONE)).isEqualTo(Role.STABLE);
        }
    }

    @Test
    void aMatchingHeaderOrCookieWinsOverTheWeights() throws GatewayException {
        EmbeddedRoute route =
                EmbeddedRoute.of(
                        step(
                                0,
                                List.of(
                                        new MatchRule(
                                                MatchRule.Kind.HEADER,
                                                "X-Beta",
                                                "yes",
                                                Role.CANARY),
                                        new MatchRule(
                                                MatchRule.Kind.COOKIE,
                                                "region",
                                                "eu",
                                                Role.CANARY)),
                                null));

        assertThat(route.choose(Map.of("X-Beta", "yes")::get, NONE)).isEqualTo(Role.CANARY);
        assertThat(route.choose(Map.of("X-Beta", "no")::get, NONE)).isEqualTo(Role.STABLE);
        assertThat(route.choose(NONE, Map.of("region", "eu")::get)).isEqualTo(Role.CANARY);
        assertThat(route.choose(NONE, NONE)).isEqualTo(Role.STABLE);
    }

    @Test
    void aStickyUserKeepsTheirVersionAndOnlyMovesToTheCanaryAsItGrows() throws GatewayException {
        EmbeddedRoute at10 = EmbeddedRoute.of(step(10, List.of(), "X-User"));
        EmbeddedRoute at50 = EmbeddedRoute.of(step(50, List.of(), "X-User"));
        int onCanaryAt10 = 0;
        for (int user = 0; user < 5_000; user++) {
            UnaryOperator<String> header = Map.of("X-User", "user-" + user)::get;
            Role first = at10.choose(header, NONE);
            // whatever the others' requests were dealt, the same user gets the same answer while
            // the weights hold
            for (int again = 0; again < 3; again++) {
                assertThat(at10.choose(header, NONE)).isEqualTo(first);
            }
            if (first == Role.CANARY) {
                onCanaryAt10++;
                assertThat(at50.choose(header, NONE)).isEqualTo(Role.CANARY);
            }
        }
        assertThat(onCanaryAt10).isBetween(400, 600);
    }

    @Test
    void aVersionThatIsToServeMustNameEndpoints() {
        RolloutStep noCanaryEndpoints =
                new RolloutStep(
                        1,
                        "r-1",
                        1,
                        "checkout",
                        "prod",
                        new Backend("v1", List.of("http://127.0.0.1:1")),
                        new Backend("v2", List.of()),
                        Weights.canaryPercent(5),
                        List.of(),
                        new GatewayBinding("embedded", "/checkout", null, null),
                        null,
                        Instant.now());
        assertThatThrownBy(() -> EmbeddedRoute.of(noCanaryEndpoints))
                .hasMessage("the canary version v2 is to get traffic but names no endpoints");
    }

    @Property
    void aMirrorCopiesItsShareOfTheRequestsToWithinOneAndOnlyThoseMatchingItsRules(
            @ForAll @IntRange(min = 1, max = 10_000) int hundredths,
            @ForAll @IntRange(min = 1, max = 5_000) int requests)
            throws GatewayException {
        double percent = hundredths / 100.0;
        EmbeddedRoute route =
                EmbeddedRoute.of(
                        step(0, List.of(), null).withMirror(new Mirror(percent, List.of())));
        long copied = 0;
        for (int i = 0; i < requests; i++) {
            copied += route.mirrors(name -> null, name -> null) ? 1 : 0;
        }
        assertThat((double) copied).isCloseTo(requests * percent / 100, Offset.offset(1.0));

        EmbeddedRoute onlyEu =
                EmbeddedRoute.of(
                        step(0, List.of(), null)
                                .withMirror(
                                        new Mirror(
                                                100,
                                                List.of(
                                                        new MatchRule(
                                                                MatchRule.Kind.HEADER,
                                                                "x-region",
                                                                "eu",
                                                                Role.CANARY)))));
        assertThat(onlyEu.mirrors(name -> name.equals("x-region") ? "eu" : null, name -> null))
                .isTrue();
        assertThat(onlyEu.mirrors(name -> name.equals("x-region") ? "us" : null, name -> null))
                .isFalse();
        // users still get stable: a mirror moves no weight
        assertThat(onlyEu.choose(name -> "eu", name -> null)).isEqualTo(Role.STABLE);
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

    @Test
    void anExperimentDealsRequestsWithoutAUserAmongItsArmsByTheirPercents()
            throws GatewayException {
        EmbeddedRoute route = EmbeddedRoute.of(experiment(false, List.of()));
        Map<String, Integer> served = new java.util.HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            served.merge(route.place(NONE, NONE).version(), 1, Integer::sum);
        }
        assertThat(served.get("v1")).isBetween(4_950, 5_050);
        assertThat(served.get("v2a")).isBetween(2_450, 2_550);
        assertThat(served.get("v2b")).isBetween(2_450, 2_550);
    }

    @Test
    void anArmsRulePlacesAUserWhateverTheBucketsAndAStoppedArmsUsersGoToControl()
            throws GatewayException {
        MatchRule beta = new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "yes", Role.CANARY);
        UnaryOperator<String> betaTester = Map.of("X-Beta", "yes", "X-User", "u-7")::get;

        assertThat(
                        EmbeddedRoute.of(experiment(false, List.of(beta)))
                                .place(betaTester, NONE)
                                .version())
                .isEqualTo("v2b");
        EmbeddedRoute stopped = EmbeddedRoute.of(experiment(true, List.of(beta)));
        assertThat(stopped.place(betaTester, NONE).version()).isEqualTo("v1");
        for (int i = 0; i < 10_000; i++) {
            assertThat(stopped.place(NONE, NONE).version()).isNotEqualTo("v2b");
        }
    }

    private static RolloutStep experiment(boolean stopLast, List<MatchRule> lastArmRules) {
        dev.glide.contract.Arm last =
                new dev.glide.contract.Arm(
                        new Backend("v2b", List.of("127.0.0.1:3")), 25, lastArmRules, false);
        return step(50, List.of(), "X-User")
                .withArms(
                        List.of(
                                new dev.glide.contract.Arm(
                                        new Backend("v1", List.of("http://127.0.0.1:1")), 50),
                                new dev.glide.contract.Arm(
                                        new Backend("v2a", List.of("127.0.0.1:2")), 25),
                                stopLast ? last.stop() : last));
    }

    private static RolloutStep step(double canary, List<MatchRule> rules, String stickyKey) {
        return new RolloutStep(
                1,
                "r-1",
                1,
                "checkout",
                "prod",
                new Backend("v1", List.of("http://127.0.0.1:1")),
                new Backend("v2", List.of("127.0.0.1:2")),
                Weights.canaryPercent(canary),
                rules,
                new GatewayBinding("embedded", "/checkout", null, null),
                stickyKey,
                Instant.now());
    }
}
