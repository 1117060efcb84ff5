package dev.glide.traffic.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.Backend;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NginxRouteTest {

    @Property
    void integerWeightsServeTheAskedShareWithinTheAdaptersTolerance(
            @ForAll @DoubleRange(min = 0, max = 100) double canary,
            @ForAll @IntRange(min = 1, max = 8) int stableServers,
            @ForAll @IntRange(min = 1, max = 8) int canaryServers) {
        double asked = Math.round(canary * 100) / 100.0;
        Weights served =
                NginxRoute.served(
                        NginxRoute.weights(100 - asked, stableServers),
                        NginxRoute.weights(asked, canaryServers));
        assertThat(served.canary()).isCloseTo(asked, Offset.offset(0.01));
        assertThat(served.stable() + served.canary()).isCloseTo(100, Offset.offset(0.01));
    }

    @Test
    void aVersionWithoutTrafficGetsNoServerInTheSplitAndNginxNeverSeesWeightZero()
            throws Exception {
        String config = NginxRoute.render(step(0, List.of(), "10.0.0.2:80"), "80", "g1");
        assertThat(config).doesNotContain("weight=0").contains("server 10.0.0.1:80 weight=10000;");
        assertThat(config).doesNotContain("10.0.0.2:80 weight=");
    }

    @Test
    void rulesAreMatchedInOrderAndExactly() throws Exception {
        String config =
                NginxRoute.render(
                        step(
                                10,
                                List.of(
                                        new MatchRule(
                                                MatchRule.Kind.HEADER, "X-Beta", "on", Role.CANARY),
                                        new MatchRule(
                                                MatchRule.Kind.COOKIE,
                                                "region",
                                                "eu.west",
                                                Role.STABLE)),
                                "10.0.0.2:80"),
                        "127.0.0.1:8081",
                        "g2");
        String prefix = NginxRoute.prefix("shop.example");
        assertThat(config)
                .contains("map $http_x_beta $" + prefix + "_rule0 {")
                .contains("\"~^on$\" " + prefix + "_canary;")
                .contains("default $" + prefix + "_rule1;")
                .contains("map $cookie_region $" + prefix + "_rule1 {")
                .contains("\"~^eu\\.west$\" " + prefix + "_stable;")
                .contains("proxy_pass http://$" + prefix + "_rule0;")
                .contains("listen 127.0.0.1:8081;")
                .contains("server_name shop.example;");
    }

    @Test
    void aRouteThatIsNotAHostNameOrACanaryWithoutEndpointsIsRefusedWithTheReason() {
        RolloutStep spaced =
                new RolloutStep(
                        1,
                        "r-1",
                        1,
                        "shop",
                        "prod",
                        new Backend("v1", List.of("10.0.0.1:80")),
                        new Backend("v2", List.of("10.0.0.2:80")),
                        Weights.canaryPercent(10),
                        List.of(),
                        new GatewayBinding("nginx", "/shop", null, null),
                        null,
                        Instant.now());
        assertThatThrownBy(() -> NginxRoute.render(spaced, "80", "g"))
                .hasMessageContaining("gateway.route: '/shop' is not a host name");
        assertThatThrownBy(() -> NginxRoute.render(step(10, List.of(), null), "80", "g"))
                .hasMessageContaining(
                        "the canary version v2 is to get traffic but names no endpoints");
    }

    @Test
    void theReadBackSaysWhatTheFileServes() throws Exception {
        MatchRule rule = new MatchRule(MatchRule.Kind.HEADER, "X-Odd", "a'b\"c$d", Role.CANARY);
        String config = NginxRoute.render(step(25, List.of(rule), "10.0.0.2:80"), "80", "g3");
        String quoted =
                config.substring(config.indexOf("return 200 '") + 12, config.indexOf("';\n"));
        // what NGINX makes of the single-quoted string: \\ -> \, \' -> '
        String answered = quoted.replace("\\'", "'").replace("\\\\", "\\");
        NginxRoute.Answer answer = NginxRoute.parse(answered);
        assertThat(answer.generation()).isEqualTo("g3");
        assertThat(answer.served().weights()).isEqualTo(new Weights(75, 25));
        assertThat(answer.served().matchRules()).containsExactly(rule);
        assertThat(quoted).doesNotContain("$");
    }

    private static RolloutStep step(double canary, List<MatchRule> rules, String canaryEndpoint) {
        return new RolloutStep(
                1,
                "r-1",
                1,
                "shop",
                "prod",
                new Backend("v1", List.of("http://10.0.0.1:80")),
                new Backend("v2", canaryEndpoint == null ? List.of() : List.of(canaryEndpoint)),
                Weights.canaryPercent(canary),
                rules,
                new GatewayBinding("nginx", "shop.example", null, null),
                null,
                Instant.now());
    }
}
