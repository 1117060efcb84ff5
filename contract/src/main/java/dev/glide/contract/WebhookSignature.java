package dev.glide.contract;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How Glide signs what it POSTs to a receiver (notification webhooks, webhook gates): headers
 * {@code X-Glide-Timestamp} (Unix seconds) and {@code X-Glide-Signature: sha256=<hex HMAC-SHA256 of
 * "timestamp.body">}, the scheme Slack and Stripe use, so a receiver can refuse forged and replayed
 * deliveries.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Glide-Signature";
    public static final String TIMESTAMP_HEADER = "X-Glide-Timestamp";

    private WebhookSignature() {}

    /** The {@code X-Glide-Signature} value for {@code body} sent at {@code timestamp}. */
    public static String header(String key, String timestamp, String body) {
        return "sha256=" + sign(key, timestamp + "." + body);
    }

    /** HMAC-SHA256 of {@code payload} with {@code key}, as lowercase hex. */
    public static String sign(String key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
