package dev.glide.traffic.gateway.haproxy;

import dev.glide.traffic.gateway.GatewayException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to {@code show servers state <backend>}: per server, the weight it serves with. A
 * server in maintenance or drain (admin state not 0) or not running (operational state not 2)
 * serves with weight 0, whatever its configured weight says.
 */
final class ServerStates {

    private final Map<String, Integer> effectiveWeights = new HashMap<>();
    private final Map<String, String> notes = new HashMap<>();

    static ServerStates parse(String backend, String answer) throws GatewayException {
        ServerStates states = new ServerStates();
        List<String> columns = null;
        for (String line : answer.split("\n")) {
            if (line.startsWith("# ")) {
                columns = Arrays.asList(line.substring(2).trim().split(" "));
                continue;
            }
            if (line.isBlank() || columns == null) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            if (fields.length < columns.size() - 5) {
                continue;
            }
            String server = field(columns, fields, "srv_name");
            int operational = Integer.parseInt(field(columns, fields, "srv_op_state"));
            int admin = Integer.parseInt(field(columns, fields, "srv_admin_state"));
            int weight = Integer.parseInt(field(columns, fields, "srv_uweight"));
            boolean serves = operational == 2 && admin == 0;
            states.effectiveWeights.put(server, serves ? weight : 0);
            if (!serves) {
                states.notes.put(
                        server, "operational state " + operational + ", admin state " + admin);
            }
        }
        if (columns == null) {
            throw new GatewayException(
                    "HAProxy has no backend '" + backend + "': " + answer.trim(), false);
        }
        return states;
    }

    private static String field(List<String> columns, String[] fields, String name)
            throws GatewayException {
        int index = columns.indexOf(name);
        if (index < 0 || index >= fields.length) {
            throw new GatewayException("HAProxy's server state has no column " + name, false);
        }
        return fields[index];
    }

    int weight(String backend, String server) throws GatewayException {
        Integer weight = effectiveWeights.get(server);
        if (weight == null) {
            throw new GatewayException(
                    "HAProxy backend '"
                            + backend
                            + "' has no server '"
                            + server
                            + "'; it has "
                            + effectiveWeights.keySet(),
                    false);
        }
        return weight;
    }

    /** The backend's servers, by name. */
    Set<String> servers() {
        return Set.copyOf(effectiveWeights.keySet());
    }

    String note(String server) {
        return notes.get(server);
    }
}
