package dev.glide.notifier;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a chat bridge: a local HTTP server that records every webhook call the notifier
 * makes.
 */
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "test-signing-secret";

    /** One call as received: the signing headers and the raw body. */
    public record Call(String timestamp, String signature, String body) {}

    public static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/hook",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    CALLS.add(
                            new Call(
                                    exchange.getRequestHeaders().getFirst("X-Glide-Timestamp"),
                                    exchange.getRequestHeaders().getFirst("X-Glide-Signature"),
                                    body));
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        server.start();
        return Map.of(
                "glide.notifier.channel",
                "webhook",
                "glide.notifier.webhook.url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "glide.notifier.webhook.secret",
                SECRET);
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
