package dev.glide.traffic.gateway.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.traffic.gateway.GatewayException;
import org.junit.jupiter.api.Test;

/**
 * HAProxy 2.6's answers, as captured from the Debian package, parsed into what is served and
 * counted.
 */
class HaproxyAnswersTest {

    private static final String STATE =
            """
            1
            # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
            2 app 1 stable 127.0.0.1 2 0 95 100 12 1 0 0 0 0 0 0 - 41000 - 0 0 - - 0
            2 app 2 canary 127.0.0.1 2 1 5 0 12 1 0 0 0 0 0 0 - 41001 - 0 0 - - 0
            """;

    @Test
    void aServerInMaintenanceServesNothingWhateverItsWeight() throws GatewayException {
        ServerStates states = ServerStates.parse("app", STATE);
        assertThat(states.weight("app", "stable")).isEqualTo(95);
        assertThat(states.weight("app", "canary")).isZero();
        assertThat(states.note("canary")).isEqualTo("operational state 2, admin state 1");
    }

    @Test
    void anUnknownServerOrBackendIsNamed() throws GatewayException {
        ServerStates states = ServerStates.parse("app", STATE);
        assertThatThrownBy(() -> states.weight("app", "green"))
                .hasMessageContaining("has no server 'green'");
        assertThatThrownBy(() -> ServerStates.parse("nope", "Can't find backend.\n"))
                .hasMessage("HAProxy has no backend 'nope': Can't find backend.");
    }

    @Test
    void showStatCountsResponsesAndServerErrorsPerServer() {
        String csv =
                "# pxname,svname,qcur,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,\n"
                        + "web,FRONTEND,,0,300,0,0,3,0,\n"
                        + "app,stable,0,0,280,0,1,2,0,\n"
                        + "app,canary,0,0,18,0,0,1,0,\n"
                        + "app,BACKEND,0,0,298,0,1,3,0,\n";
        var counters = HaproxyMetrics.parse(csv);
        assertThat(counters).containsOnlyKeys("app/stable", "app/canary");
        assertThat(counters.get("app/stable")).containsExactly(283, 2);
        assertThat(counters.get("app/canary")).containsExactly(19, 1);
    }
}
