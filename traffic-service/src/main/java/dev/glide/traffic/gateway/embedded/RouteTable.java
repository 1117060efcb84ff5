package dev.glide.traffic.gateway.embedded;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded gateway's routes by name. A name starting with {@code /} is a path prefix; any other
 * name is a Host. A request's Host wins over path prefixes; among prefixes the longest wins.
 */
final class RouteTable {

    private final Map<String, EmbeddedRoute> routes = new ConcurrentHashMap<>();

    void put(String name, EmbeddedRoute route) {
        routes.put(name, route);
    }

    EmbeddedRoute get(String name) {
        return routes.get(name);
    }

    Iterable<EmbeddedRoute> all() {
        return routes.values();
    }

    EmbeddedRoute find(String host, String path) {
        if (host != null) {
            int colon = host.lastIndexOf(':');
            EmbeddedRoute byHost =
                    routes.get(colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host);
            if (byHost != null) {
                return byHost;
            }
        }
        EmbeddedRoute best = null;
        int bestLength = -1;
        for (Map.Entry<String, EmbeddedRoute> entry : routes.entrySet()) {
            String prefix = entry.getKey();
            if (prefix.startsWith("/") && prefix.length() > bestLength && isUnder(path, prefix)) {
                best = entry.getValue();
                bestLength = prefix.length();
            }
        }
        return best;
    }

    private static boolean isUnder(String path, String prefix) {
        if (path == null || !path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/")
                || path.length() == prefix.length()
                || path.charAt(prefix.length()) == '/'
                || path.charAt(prefix.length()) == '?';
    }
}
