package dev.glide.contract;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a version runs, as releases and registrations write it: {@code http://host:port}, {@code
 * https://host:port} or {@code host:port} (http). Checked where a release or a registration comes
 * in, so that a bad one is refused at the door, not by the gateway minutes later.
 */
public final class Endpoints {

    /** What an endpoint must look like, for refusals. */
    public static final String SHAPE = "http(s)://host:port or host:port";

    private Endpoints() {}

    /**
     * Why each endpoint of {@code field} is not one an adapter of these {@code schemes} can reach;
     * empty when all are. A problem reads {@code endpoints[0]: 'not a url' is not
     * http(s)://host:port or host:port (...)}.
     */
    public static List<String> problems(String field, List<String> endpoints, Set<String> schemes) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String problem = problem(endpoints.get(i), schemes);
            if (problem != null) {
                problems.add(field + "[" + i + "]: '" + endpoints.get(i) + "' " + problem);
            }
        }
        return problems;
    }

    private static String problem(String endpoint, Set<String> schemes) {
        if (endpoint == null || endpoint.isBlank()) {
            return "is blank; expected " + SHAPE;
        }
        URI uri;
        try {
            uri = new URI(endpoint.contains("://") ? endpoint : "http://" + endpoint);
        } catch (URISyntaxException e) {
            return "is not " + SHAPE + " (" + e.getReason() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!schemes.contains(scheme)) {
            return "has scheme '"
                    + scheme
                    + "'; expected "
                    + String.join(" or ", schemes.stream().sorted().toList());
        }
        if (uri.getHost() == null) {
            return "names no host; expected " + SHAPE;
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "has port " + uri.getPort() + "; expected 1-65535";
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            return "has more than a scheme, host and port; expected " + SHAPE;
        }
        return null;
    }
}
