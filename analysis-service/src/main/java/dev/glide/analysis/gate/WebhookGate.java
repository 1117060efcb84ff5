package dev.glide.analysis.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.analysis.judge.AnalysisConfig;
import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A webhook gate: a JSON POST naming the rollout, service, versions, phase, gate and window, the
 * stable and canary backends (their endpoints) and the match rules that reach the canary through
 * the gateway (blue-green's preview header), signed as the notifier's webhook is ({@link
 * WebhookSignature}, with {@code glide.analysis.gates.secrets.<service>}, else {@code
 * glide.analysis.gates.secret}, if either is set). A 2xx answer passes, whatever its body; another
 * status, a refused connection or no whole answer within the gate's timeout fails that try, and the
 * gate fails when its retries are spent, with the status and the first {@value #REASON_CHARS}
 * characters of the body as the reason. An answer's body is read only up to {@value #KEPT_BYTES}
 * bytes (the rest is discarded as it comes), so a huge or endless answer costs the timeout, never
 * memory. The gate's outcome is one check of the window's verdict.
 */
@ApplicationScoped
public class WebhookGate implements GateCheck {

    public static final String TYPE = "webhook";

    static final int REASON_CHARS = 200;
    static final int KEPT_BYTES = 4096;

    private final HttpClient http = GateOutcome.client();
    private final ObjectMapper json;
    private final Optional<String> secret;
    private final Map<String, String> secrets;

    @Inject
    WebhookGate(AnalysisConfig config, EventCodec codec) {
        this(codec.mapper(), config.gates().secret(), config.gates().secrets());
    }

    WebhookGate(ObjectMapper json, Optional<String> secret, Map<String, String> secrets) {
        this.json = json;
        this.secret = secret;
        this.secrets = Map.copyOf(secrets);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Finding run(GateRun run, Lease lease) {
        return call(run.rollout(), run.analysisSequence, run.window, run.gate, run.targets);
    }

    /** The gate called for window {@code window} of analysis {@code sequence}. */
    Finding call(
            AnalysedRollout rollout, long sequence, int window, Gate gate, GateTargets targets) {
        String body;
        try {
            body = json.writeValueAsString(payload(rollout, sequence, window, gate, targets));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a gate's payload", e);
        }
        String key = secrets.getOrDefault(rollout.service(), secret.orElse(null));
        int tries = gate.retries() + 1;
        String last = "";
        Integer lastStatus = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(gate.url()))
                            .timeout(gate.timeoutDuration())
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            body, StandardCharsets.UTF_8));
            if (key != null) {
                String timestamp = Long.toString(Instant.now().getEpochSecond());
                request.header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
                        .header(
                                WebhookSignature.SIGNATURE_HEADER,
                                WebhookSignature.header(key, timestamp, body));
            }
            CompletableFuture<HttpResponse<String>> answer =
                    http.sendAsync(request.build(), info -> new FirstBytes());
            try {
                HttpResponse<String> response =
                        answer.get(gate.timeoutDuration().toMillis(), TimeUnit.MILLISECONDS);
                lastStatus = response.statusCode();
                if (response.statusCode() / 100 == 2) {
                    return finding(
                            gate,
                            true,
                            lastStatus,
                            String.format(
                                    "webhook gate %s (%s): %s answered %d",
                                    gate.name(), gate.phase(), gate.url(), response.statusCode()));
                }
                last = "answered " + response.statusCode() + reason(response.body());
            } catch (TimeoutException e) {
                answer.cancel(true);
                last = "gave no whole answer within " + gate.timeout();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                last =
                        cause instanceof HttpTimeoutException
                                ? "gave no whole answer within " + gate.timeout()
                                : "is unreachable: " + cause;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "was interrupted";
                break;
            }
        }
        return finding(
                gate,
                false,
                lastStatus,
                String.format(
                        "webhook gate %s (%s) failed: %s %s (%d %s)",
                        gate.name(),
                        gate.phase(),
                        gate.url(),
                        last,
                        tries,
                        tries == 1 ? "try" : "tries"));
    }

    private static Map<String, Object> payload(
            AnalysedRollout rollout, long sequence, int window, Gate gate, GateTargets targets) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("rolloutId", rollout.rolloutId());
        payload.put("service", rollout.service());
        payload.put("stableVersion", rollout.stableVersion());
        payload.put("canaryVersion", rollout.canaryVersion());
        payload.put("phase", gate.phase());
        payload.put("gate", gate.name());
        payload.put("analysisSequence", sequence);
        payload.put("window", window);
        if (targets != null) {
            payload.put("stable", targets.stable());
            payload.put("canary", targets.canary());
            payload.put("canaryRules", targets.canaryRules());
        }
        payload.put("sentAt", Instant.now().toString());
        return payload;
    }

    private static Finding finding(Gate gate, boolean passed, Integer status, String detail) {
        return GateOutcome.finding(
                gate.name(),
                TYPE,
                null,
                status == null ? null : status.doubleValue(),
                passed,
                detail,
                passed ? Status.PASS : GateOutcome.failed(gate));
    }

    private static String reason(String body) {
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": "
                + (text.length() > REASON_CHARS ? text.substring(0, REASON_CHARS) + "..." : text);
    }

    /** A body subscriber that keeps the first {@value #KEPT_BYTES} bytes and drops the rest. */
    private static final class FirstBytes implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final byte[] kept = new byte[KEPT_BYTES];
        private int size;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), KEPT_BYTES - size);
                buffer.get(kept, size, take);
                size += take;
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(new String(kept, 0, size, StandardCharsets.UTF_8));
        }
    }
}
