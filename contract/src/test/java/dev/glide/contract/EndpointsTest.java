package dev.glide.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {

    private static final Set<String> HTTP = Set.of("http");
    private static final Set<String> ANY = Set.of("http", "https");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080",
                "http://checkout-v2.internal:80/",
                "HTTP://[::1]:9000",
                "checkout-v2:8080",
                "10.0.0.6:8080",
                "http://checkout"
            })
    void aGatewayCanReachTheseEndpoints(String endpoint) {
        assertThat(Endpoints.problems("endpoints", List.of(endpoint), HTTP)).isEmpty();
    }

    @Test
    void eachBadEndpointIsNamedByItsFieldAndIndexWithWhatWasExpected() {
        assertThat(
                        Endpoints.problems(
                                "endpoints",
                                List.of(
                                        "http://ok:1",
                                        "not a url",
                                        "https://v2:8443",
                                        "http://v2:70000",
                                        "http://v2:8080/api?x=1",
                                        "http://",
                                        " "),
                                HTTP))
                .containsExactly(
                        "endpoints[1]: 'not a url' is not http(s)://host:port or host:port (Illegal character in authority)",
                        "endpoints[2]: 'https://v2:8443' has scheme 'https'; expected http",
                        "endpoints[3]: 'http://v2:70000' has port 70000; expected 1-65535",
                        "endpoints[4]: 'http://v2:8080/api?x=1' has more than a scheme, host and port; expected http(s)://host:port or host:port",
                        "endpoints[5]: 'http://' is not http(s)://host:port or host:port (Expected authority)",
                        "endpoints[6]: ' ' is blank; expected http(s)://host:port or host:port");
        assertThat(Endpoints.problems("endpoints", List.of("https://v2:8443"), ANY)).isEmpty();
    }

    @Test
    void aBindingNamesAnAdapterThereIsAndTheTargetsItNeeds() {
        assertThat(new GatewayBinding("istio", "r", null, null).problems("gateway"))
                .containsExactly(
                        "gateway.adapter: 'istio' is not one of embedded, haproxy, gateway-api, nginx, noop");
        assertThat(new GatewayBinding("gateway-api", "r", "stable", " ").problems("gateway"))
                .containsExactly("gateway.canaryTarget: must be given for adapter 'gateway-api'");
        assertThat(new GatewayBinding("embedded", "/checkout", null, null).problems("gateway"))
                .isEmpty();
        assertThat(new GatewayBinding("nginx", "/checkout", null, null).problems("gateway"))
                .containsExactly(
                        "gateway.route: '/checkout' is not a host name (letters, digits, dots and dashes), which the nginx adapter serves the route as (its server_name)");
        assertThat(
                        new GatewayBinding("nginx", "checkout.example.com", null, null)
                                .problems("gateway"))
                .isEmpty();
    }

    @Test
    void aBindingsDriftPolicyIsCorrectReportOrOff() {
        assertThat(new GatewayBinding("noop", "r", null, null).driftPolicy())
                .isEqualTo(GatewayBinding.Drift.CORRECT);
        assertThat(new GatewayBinding("noop", "r", null, null, null, "report").driftPolicy())
                .isEqualTo(GatewayBinding.Drift.REPORT);
        assertThat(new GatewayBinding("noop", "r", null, null, null, "ignore").problems("gateway"))
                .containsExactly("gateway.drift: 'ignore' is not one of correct, report, off");
    }
}
