package dev.glide.notifier.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each notification as JSON to one URL. With a secret, the request carries {@code
 * X-Glide-Timestamp} and {@code X-Glide-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">},
 * the scheme Slack and Stripe use, so a receiver can refuse forged and replayed deliveries.
 */
@ApplicationScoped
public class WebhookChannel implements NotificationChannel {

    public static final String SIGNATURE_HEADER = WebhookSignature.SIGNATURE_HEADER;
    public static final String TIMESTAMP_HEADER = WebhookSignature.TIMESTAMP_HEADER;

    private final Optional<URI> url;
    private final Optional<String> secret;
    private final ObjectMapper mapper;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookChannel(NotifierConfig config, ObjectMapper mapper) {
        this.url = config.webhook().url();
        this.secret = config.webhook().secret();
        this.mapper = mapper;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public void deliver(Notification notification) throws DeliveryException {
        URI target =
                url.orElseThrow(
                        () -> new DeliveryException("glide.notifier.webhook.url is not set"));
        String body = body(notification);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(target)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (secret.isPresent()) {
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            request.header(TIMESTAMP_HEADER, timestamp)
                    .header(
                            SIGNATURE_HEADER,
                            WebhookSignature.header(secret.get(), timestamp, body));
        }
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryException(
                        "webhook "
                                + target
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + response.body());
            }
        } catch (IOException e) {
            throw new DeliveryException("webhook " + target + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while calling " + target, e);
        }
    }

    /** HMAC-SHA256 of {@code payload} with {@code key}, as lowercase hex. */
    public static String sign(String key, String payload) {
        return WebhookSignature.sign(key, payload);
    }

    private String body(Notification notification) throws DeliveryException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", notification.kind());
        body.put("rolloutId", notification.rolloutId());
        body.put("text", notification.text());
        body.put("event", notification.event());
        try {
            return mapper.writeValueAsString(body);
        } catch (IOException e) {
            throw new DeliveryException("cannot write the notification as JSON", e);
        }
    }
}
