package dev.glide.traffic.gateway.nginx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Weights;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import dev.glide.traffic.gateway.Upstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The NGINX configuration of one route as a step leaves it, and what the route says it serves.
 *
 * <p>One file in the {@code http} context per route: an upstream per version and one holding both
 * with weights in hundredths of a percent (NGINX's smooth weighted round robin deals them evenly,
 * so every run of requests gets its share), a {@code map} per match rule (first rule first, the
 * value matched exactly, as a case-sensitive regular expression, since NGINX matches plain map
 * strings ignoring case), sticky users bucketed by {@code split_clients} on the sticky header or
 * else cookie (a user in the canary's share stays there while it grows), and a {@code server} for
 * the route's host name whose {@code location = /.glide/route} answers this file's generation and
 * what it serves. Read back from that location, the answer comes from the workers serving requests,
 * not from the file.
 */
final class NginxRoute {

    /** Where a route's own configuration answers what it serves. */
    static final String READ_BACK_PATH = "/.glide/route";

    static final String MIRROR_PATH = "/.glide/mirror";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final int HUNDREDTHS = 100;

    private NginxRoute() {}

    /** The file name of a route's configuration in the include folder. */
    static String fileName(String route) {
        return "glide-" + route.toLowerCase(Locale.ROOT) + ".conf";
    }

    /**
     * The configuration for a step, answering {@code generation}; refused with the reason when
     * NGINX could not serve the step as asked.
     */
    static String render(RolloutStep step, String listen, String generation)
            throws GatewayException {
        return render(step, listen, generation, null);
    }

    /**
     * As {@link #render(RolloutStep, String, String)}, each request's answer logged to {@code
     * accessLog} when given ({@code user|copy|upstream|status|seconds}, one line each) for the
     * metrics windows.
     */
    static String render(RolloutStep step, String listen, String generation, Path accessLog)
            throws GatewayException {
        String route = step.gateway().route();
        List<String> problems = step.gateway().problems("gateway");
        if (!problems.isEmpty()) {
            throw new GatewayException(String.join("; ", problems), false);
        }
        String prefix = prefix(route);
        Weights weights = step.weights();
        List<String> stable = addresses(Upstream.of(step, Role.STABLE));
        List<String> canary = addresses(Upstream.of(step, Role.CANARY));
        int[] stableWeights = weights(weights.stable(), stable.size());
        int[] canaryWeights = weights(weights.canary(), canary.size());

        StringBuilder out = new StringBuilder();
        out.append("# Glide route ")
                .append(route)
                .append(", generation ")
                .append(generation)
                .append(" (rollout ")
                .append(step.rolloutId())
                .append(", step ")
                .append(step.sequence())
                .append(").\n# Written by Glide's traffic service: edits are overwritten.\n\n");
        if (accessLog != null) {
            out.append("log_format ")
                    .append(prefix)
                    .append("_user 'user|$upstream_addr|$status|$upstream_response_time';\n")
                    .append("log_format ")
                    .append(prefix)
                    .append("_copy 'copy|$upstream_addr|$status|$upstream_response_time';\n\n");
        }
        if (!stable.isEmpty()) {
            upstream(out, prefix + "_stable", stable);
        }
        if (!canary.isEmpty()) {
            upstream(out, prefix + "_canary", canary);
        }
        out.append("upstream ").append(prefix).append("_split {\n");
        weighted(out, stable, stableWeights);
        weighted(out, canary, canaryWeights);
        out.append("    keepalive 32;\n}\n\n");

        // match rules, first first, each falling through to the next; then sticky users; then the
        // weights
        String last = prefix + "_split";
        if (step.stickyKey() != null && !step.stickyKey().isBlank()) {
            String key = step.stickyKey();
            String header = headerVariable(key);
            // the header, else the cookie of that name (when NGINX can name it)
            String cookie = COOKIE_NAME.matcher(key).matches() ? "$cookie_" + key : "\"\"";
            out.append("map ")
                    .append(header)
                    .append(" $")
                    .append(prefix)
                    .append("_user {\n")
                    .append("    \"\" ")
                    .append(cookie)
                    .append(";\n")
                    .append("    default ")
                    .append(header)
                    .append(";\n}\n\n");
            out.append("split_clients \"$")
                    .append(prefix)
                    .append("_user\" $")
                    .append(prefix)
                    .append("_sticky {\n");
            double share = weights.canary();
            if (share >= 100) {
                out.append("    * ").append(prefix).append("_canary;\n");
            } else if (share <= 0) {
                out.append("    * ").append(prefix).append("_stable;\n");
            } else {
                out.append("    ")
                        .append(String.format(Locale.ROOT, "%.2f", share))
                        .append("% ")
                        .append(prefix)
                        .append("_canary;\n")
                        .append("    * ")
                        .append(prefix)
                        .append("_stable;\n");
            }
            out.append("}\n\n");
            out.append("map $")
                    .append(prefix)
                    .append("_user $")
                    .append(prefix)
                    .append("_by_user {\n")
                    .append("    \"\" ")
                    .append(prefix)
                    .append("_split;\n")
                    .append("    default $")
                    .append(prefix)
                    .append("_sticky;\n}\n\n");
            last = "$" + prefix + "_by_user";
        }
        List<MatchRule> rules = step.matchRules();
        last =
                ruleMaps(
                        out,
                        rules,
                        prefix + "_rule",
                        rule -> prefix + (rule.target() == Role.CANARY ? "_canary" : "_stable"),
                        last);

        Mirror mirror = step.mirror();
        if (mirror != null && canary.isEmpty()) {
            throw new GatewayException(
                    "the canary version "
                            + step.canary().version()
                            + " is to get mirrored requests but names no endpoints",
                    false);
        }
        if (mirror != null) {
            mirrorMaps(out, prefix, mirror);
        }

        out.append("server {\n")
                .append("    listen ")
                .append(listen)
                .append(";\n")
                .append("    server_name ")
                .append(route)
                .append(";\n\n")
                .append("    location = ")
                .append(READ_BACK_PATH)
                .append(" {\n")
                .append("        default_type application/json;\n")
                .append("        return 200 '")
                .append(
                        quoted(
                                readBack(
                                        generation,
                                        served(stableWeights, canaryWeights),
                                        rules,
                                        mirror)))
                .append("';\n")
                .append("    }\n\n");
        if (mirror != null) {
            // the copy: a subrequest NGINX sends and whose answer it drops; a request outside the
            // mirror's share (or its rules) ends here with 204, sent nowhere
            out.append("    location = ")
                    .append(MIRROR_PATH)
                    .append(" {\n")
                    .append("        internal;\n");
            if (accessLog != null) {
                out.append("        log_subrequest on;\n")
                        .append("        access_log ")
                        .append(accessLog)
                        .append(" ")
                        .append(prefix)
                        .append("_copy;\n");
            }
            out.append("        if ($")
                    .append(prefix)
                    .append("_mirror = \"\") {\n")
                    .append("            return 204;\n")
                    .append("        }\n")
                    .append("        proxy_pass http://")
                    .append(prefix)
                    .append("_canary$request_uri;\n")
                    .append("        proxy_http_version 1.1;\n")
                    .append("        proxy_set_header Connection \"\";\n")
                    .append("        proxy_set_header Host $host;\n")
                    .append("        proxy_set_header X-Glide-Mirror 1;\n")
                    .append("    }\n\n");
        }
        out.append("    location / {\n");
        if (accessLog != null) {
            out.append("        access_log ")
                    .append(accessLog)
                    .append(" ")
                    .append(prefix)
                    .append("_user;\n");
        }
        if (mirror != null) {
            out.append("        mirror ").append(MIRROR_PATH).append(";\n");
            out.append("        mirror_request_body on;\n");
        }
        out.append("        proxy_pass http://")
                .append(last)
                .append(";\n")
                .append("        proxy_http_version 1.1;\n")
                .append("        proxy_set_header Connection \"\";\n")
                .append("        proxy_set_header Host $host;\n")
                .append("    }\n}\n");
        return out.toString();
    }

    /** What a route's read-back location answered. */
    record Answer(String generation, ServedTraffic served) {}

    static Answer parse(String body) throws GatewayException {
        try {
            JsonNode json = JSON.readTree(body);
            List<MatchRule> rules = new ArrayList<>();
            for (JsonNode rule : json.path("matchRules")) {
                rules.add(JSON.treeToValue(rule, MatchRule.class));
            }
            Mirror mirror =
                    json.hasNonNull("mirror")
                            ? JSON.treeToValue(json.get("mirror"), Mirror.class)
                            : null;
            return new Answer(
                    json.path("generation").asText(),
                    new ServedTraffic(
                            new Weights(
                                    json.path("stable").asDouble(), json.path("canary").asDouble()),
                            rules,
                            mirror));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new GatewayException(
                    "the route's read-back is not Glide's: " + e.getMessage(), true);
        }
    }

    /**
     * Each server's weight in hundredths of a percent, a version's share dealt over its servers
     * (the first ones one more where it does not divide); a server given 0 is left out of the
     * split, since NGINX takes no weight 0.
     */
    static int[] weights(double percent, int servers) {
        int total = (int) Math.round(Math.max(0, percent) * HUNDREDTHS);
        int[] weights = new int[servers];
        for (int i = 0; i < servers; i++) {
            weights[i] = total / servers + (i < total % servers ? 1 : 0);
        }
        return weights;
    }

    /** The share each version really gets from those integer weights. */
    static Weights served(int[] stable, int[] canary) {
        long stableTotal = Arrays.stream(stable).sum();
        long canaryTotal = Arrays.stream(canary).sum();
        long total = stableTotal + canaryTotal;
        if (total == 0) {
            return new Weights(100, 0);
        }
        double canaryShare = Math.round(canaryTotal * 10_000.0 / total) / 100.0;
        return new Weights(Math.round((100 - canaryShare) * 100) / 100.0, canaryShare);
    }

    private static void weighted(StringBuilder out, List<String> servers, int[] weights) {
        for (int i = 0; i < servers.size(); i++) {
            if (weights[i] > 0) {
                out.append("    server ")
                        .append(servers.get(i))
                        .append(" weight=")
                        .append(weights[i])
                        .append(";\n");
            }
        }
    }

    private static void upstream(StringBuilder out, String name, List<String> servers) {
        out.append("upstream ").append(name).append(" {\n");
        servers.forEach(s -> out.append("    server ").append(s).append(";\n"));
        out.append("    keepalive 32;\n}\n\n");
    }

    private static List<String> addresses(List<Upstream> upstreams) {
        return upstreams.stream().map(Upstream::address).toList();
    }

    private static String headerVariable(String name) throws GatewayException {
        Optional<String> refused = GatewayBinding.Adapter.NGINX.refusesStickyKey(name);
        if (refused.isPresent()) {
            throw new GatewayException(refused.get(), false);
        }
        return "$http_" + name.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static String cookieVariable(MatchRule rule) throws GatewayException {
        Optional<String> refused = GatewayBinding.Adapter.NGINX.refuses(rule);
        if (refused.isPresent()) {
            throw new GatewayException(refused.get(), false);
        }
        return "$cookie_" + rule.name();
    }

    /**
     * Upstream and variable names of a route: its host name made a name, and a hash against
     * clashes.
     */
    static String prefix(String route) {
        String name = route.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        int hash = 0x811c9dc5;
        for (byte b : route.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ b) * 0x01000193;
        }
        return "glide_" + name + "_" + String.format("%08x", hash);
    }

    /**
     * A value as a regular expression matching exactly it, inside an NGINX double-quoted string:
     * every character but letters and digits escaped for the regex, a backslash twice more for the
     * string.
     */
    static String regexLiteral(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) {
                out.append(c);
            } else if (c == '\\') {
                out.append("\\\\\\\\");
            } else if (c == '"') {
                out.append("\\\\\\\"");
            } else {
                out.append('\\').append(c);
            }
        }
        return out.toString();
    }

    /**
     * A {@code map} per rule, last rule first, each sending a request whose header or cookie has
     * the rule's value to {@code matched} and any other to the next rule's map ({@code otherwise}
     * after the last): returns the variable of the first rule's map, where a request starts.
     */
    private static String ruleMaps(
            StringBuilder out,
            List<MatchRule> rules,
            String name,
            Function<MatchRule, String> matched,
            String otherwise)
            throws GatewayException {
        String next = otherwise;
        for (int i = rules.size() - 1; i >= 0; i--) {
            MatchRule rule = rules.get(i);
            String variable =
                    rule.kind() == MatchRule.Kind.HEADER
                            ? headerVariable(rule.name())
                            : cookieVariable(rule);
            out.append("map ")
                    .append(variable)
                    .append(" $")
                    .append(name)
                    .append(i)
                    .append(" {\n")
                    .append("    \"~^")
                    .append(regexLiteral(rule.value()))
                    .append("$\" ")
                    .append(matched.apply(rule))
                    .append(";\n")
                    .append("    default ")
                    .append(next)
                    .append(";\n}\n\n");
            next = "$" + name + i;
        }
        return next;
    }

    /**
     * {@code $<prefix>_mirror}: non-empty for the requests the mirror copies: its share of them,
     * dealt by {@code split_clients} on the request id, and of those, the ones matching a rule when
     * it has rules.
     */
    private static void mirrorMaps(StringBuilder out, String prefix, Mirror mirror)
            throws GatewayException {
        String share = prefix + "_mirror_share";
        out.append("split_clients \"${request_id}\" $").append(share).append(" {\n");
        if (mirror.percent() >= 100) {
            out.append("    * 1;\n");
        } else {
            out.append("    ")
                    .append(String.format(Locale.ROOT, "%.2f", mirror.percent()))
                    .append("% 1;\n")
                    .append("    * \"\";\n");
        }
        out.append("}\n\n");
        List<MatchRule> rules = mirror.match();
        String next =
                rules.isEmpty()
                        ? "$" + share
                        : ruleMaps(
                                out, rules, prefix + "_mirror_rule", rule -> "$" + share, "\"\"");
        // one name for the location to test, whichever way it was decided
        out.append("map $request_id $")
                .append(prefix)
                .append("_mirror {\n    default ")
                .append(next)
                .append(";\n}\n\n");
    }

    private static String readBack(
            String generation, Weights served, List<MatchRule> rules, Mirror mirror) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generation", generation);
        body.put("stable", served.stable());
        body.put("canary", served.canary());
        body.put("matchRules", rules);
        if (mirror != null) {
            body.put("mirror", mirror);
        }
        try {
            // '$' would start a variable in NGINX's return text: JSON's own escape keeps it out
            return JSON.writeValueAsString(body).replace("$", "\\u0024");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text inside an NGINX single-quoted string. */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("'", "\\'");
    }
}
