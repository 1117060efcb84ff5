package dev.glide.analysis.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.glide.contract.WebhookSignature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A team's webhook receiver for gates' tests, on a real HTTP server: {@code /ok} answers 204,
 * {@code /red} 500 with a reason, {@code /huge} 500 with a megabyte of body, {@code /hang} never
 * answers; every request's signature is checked against the secret and its payload kept.
 */
public final class GateReceiver implements AutoCloseable {

    public static final String RED = "smoke test: 2 of 9 red";

    private final HttpServer server;
    private final String secret;
    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    private GateReceiver(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/ok", exchange -> answer(exchange, 204, ""));
        server.createContext("/red", exchange -> answer(exchange, 500, RED));
        server.createContext("/huge", exchange -> answer(exchange, 500, "x".repeat(1_000_000)));
        server.createContext(
                "/hang",
                exchange -> {
                    read(exchange);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
        server.start();
    }

    public static GateReceiver start(String secret) {
        try {
            return new GateReceiver(secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<JsonNode> received() {
        return received;
    }

    public int badSignatures() {
        return badSignatures.get();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        read(exchange);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    private void read(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
        if (timestamp == null
                || !WebhookSignature.header(secret, timestamp, body).equals(signature)) {
            badSignatures.incrementAndGet();
        }
        received.add(json.readTree(body));
    }
}
