package dev.glide.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for Slack's Web API (chat.postMessage, chat.update, usergroups.users.list) and
 * for the response_url of interactions. It records every call as Slack would receive it, can be
 * told to answer the next chat.postMessage calls with 429 and a Retry-After, as Slack does when
 * rate-limiting, and signs interaction callbacks as Slack does. The team {@value #TEAM} posts to
 * {@code #payments}; {@value #APPROVER} and the members of {@value #ONCALL_GROUP} ({@value
 * #ONCALL_MEMBER}) may act on its rollouts.
 */
public final class SlackApiStandIn implements AutoCloseable {

    public static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    public static final String TEAM = "payments";
    public static final String APPROVER = "U0ALICE";
    public static final String ONCALL_GROUP = "S0ONCALL";
    public static final String ONCALL_MEMBER = "U0BOB";

    /**
     * One Web API call: the method, its fields (blocks parsed), the status answered, and the ts of
     * a new message.
     */
    public record Call(
            String method, Map<String, String> fields, JsonNode blocks, int status, String ts) {

        public String field(String name) {
            return fields.get(name);
        }
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Ephemeral answers posted to response_urls, by the id in the URL. */
    public final List<Map.Entry<String, JsonNode>> answers = new CopyOnWriteArrayList<>();

    /** How many of the next chat.postMessage calls are answered 429. */
    public final AtomicInteger rateLimitNextPosts = new AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong ts = new AtomicLong(1_700_000_000_000_100L);
    private final int port;
    private final HttpServer server;

    private SlackApiStandIn() {
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/", this::api);
        server.createContext(
                "/response/",
                exchange -> {
                    String id = exchange.getRequestURI().getPath().substring("/response/".length());
                    answers.add(Map.entry(id, JSON.readTree(exchange.getRequestBody())));
                    reply(exchange, 200, "ok");
                });
        server.start();
        port = server.getAddress().getPort();
    }

    public static SlackApiStandIn start() {
        return new SlackApiStandIn();
    }

    /** The notifier's settings that send it here, with the team's channel and approvers. */
    public Map<String, String> notifierConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("glide.notifier.channel", "slack");
        config.put("glide.notifier.slack.bot-token", "xoxb-test");
        config.put("glide.notifier.slack.signing-secret", SIGNING_SECRET);
        config.put("glide.notifier.slack.api-url", "http://127.0.0.1:" + port + "/api/");
        config.put("glide.notifier.slack.channel", "#releases");
        config.put("glide.notifier.slack.teams." + TEAM + ".channel", "#payments");
        config.put(
                "glide.notifier.slack.teams." + TEAM + ".approvers", APPROVER + "," + ONCALL_GROUP);
        return config;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A response_url for an interaction; answers to it are recorded under {@code id}. */
    public String responseUrl(String id) {
        return "http://127.0.0.1:" + port + "/response/" + id;
    }

    private void api(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestURI().getPath().substring("/api/".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        JsonNode blocks = fields.containsKey("blocks") ? JSON.readTree(fields.get("blocks")) : null;
        if (method.equals("chat.postMessage")
                && rateLimitNextPosts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            calls.add(new Call(method, fields, blocks, 429, null));
            exchange.getResponseHeaders().set("Retry-After", "1");
            reply(exchange, 429, "{\"ok\":false,\"error\":\"ratelimited\"}");
            return;
        }
        String ts = method.equals("chat.postMessage") ? ts() : null;
        calls.add(new Call(method, fields, blocks, 200, ts));
        switch (method) {
            case "chat.postMessage" ->
                    reply(
                            exchange,
                            200,
                            "{\"ok\":true,\"channel\":\"C0RELEASES\",\"ts\":\""
                                    + ts
                                    + "\",\"message\":{\"text\":\"\"}}");
            case "chat.update" ->
                    reply(
                            exchange,
                            200,
                            "{\"ok\":true,\"channel\":\""
                                    + fields.get("channel")
                                    + "\",\"ts\":\""
                                    + fields.get("ts")
                                    + "\"}");
            case "usergroups.users.list" ->
                    reply(
                            exchange,
                            200,
                            ONCALL_GROUP.equals(fields.get("usergroup"))
                                    ? "{\"ok\":true,\"users\":[\"" + ONCALL_MEMBER + "\"]}"
                                    : "{\"ok\":false,\"error\":\"no_such_subteam\"}");
            default -> reply(exchange, 200, "{\"ok\":false,\"error\":\"unknown_method\"}");
        }
    }

    private String ts() {
        long value = ts.incrementAndGet();
        return (value / 1_000_000) + "." + String.format("%06d", value % 1_000_000);
    }

    /**
     * The headers Slack would send with {@code body}, signed with the signing secret at {@code
     * timestamp}.
     */
    public static Map<String, String> signed(String body, String timestamp) {
        return Map.of(
                "X-Slack-Request-Timestamp",
                timestamp,
                "X-Slack-Signature",
                "v0=" + hmac(SIGNING_SECRET, "v0:" + timestamp + ":" + body));
    }

    /**
     * A block_actions callback body: {@code user} pressed {@code action} on the button whose value
     * is {@code value}.
     */
    public String clickBody(
            String user,
            String userName,
            String action,
            String value,
            String actionTs,
            String answerId) {
        String payload =
                "{\"type\":\"block_actions\",\"user\":{\"id\":\""
                        + user
                        + "\",\"username\":\""
                        + userName
                        + "\"},\"response_url\":\""
                        + responseUrl(answerId)
                        + "\",\"actions\":[{\"action_id\":\""
                        + action
                        + "\",\"block_id\":\"glide-rollout-actions\",\"value\":\""
                        + value
                        + "\",\"action_ts\":\""
                        + actionTs
                        + "\"}]}";
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    private static String hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
