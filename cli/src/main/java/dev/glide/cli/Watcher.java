package dev.glide.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows a rollout through the planner's event stream and prints each step, verdict, command and
 * transition as a line, with a progress bar for the canary's share, until the rollout ends.
 */
final class Watcher {

    private static final Set<String> ENDED = Set.of("SUCCEEDED", "ABORTED", "FAILED");
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PlannerClient client;
    private final PrintWriter out;

    Watcher(PlannerClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /** 0 when the rollout SUCCEEDED, 1 when it was ABORTED or FAILED. */
    int watch(String rollout, Duration timeout) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        client.stream(
                "api/rollouts/" + rollout + "/stream",
                timeout,
                update -> {
                    for (JsonNode entry : update.path("entries")) {
                        out.println(line(entry));
                    }
                    out.flush();
                    last.set(update.path("rollout"));
                    return ENDED.contains(update.path("rollout").path("state").asText());
                });
        JsonNode end = last.get();
        String state = end.path("state").asText();
        out.printf(
                "rollout %s %s%s%n",
                rollout,
                state,
                end.path("reason").isTextual() ? ": " + end.path("reason").asText() : "");
        out.flush();
        return "SUCCEEDED".equals(state) ? 0 : GlideCli.ENDED_BADLY;
    }

    /** One history entry as a line: its time, what it was and who did it. */
    static String line(JsonNode entry) {
        JsonNode p = entry.path("payload");
        String at =
                entry.hasNonNull("occurredAt")
                        ? CLOCK.format(Instant.parse(entry.get("occurredAt").asText()))
                        : "--:--:--";
        String what =
                switch (entry.path("type").asText()) {
                    case "STEP" -> {
                        double canary = p.path("weights").path("canary").asDouble();
                        yield String.format("step      %s canary %6.2f %%", bar(canary), canary);
                    }
                    case "TRANSITION" ->
                            String.format(
                                    "%-9s %s -> %s: %s",
                                    "state",
                                    p.path("from").asText(),
                                    p.path("to").asText(),
                                    entry.path("cause").asText());
                    case "INPUT" ->
                            switch (p.path("input").asText()) {
                                case "VerdictReceived" ->
                                        String.format(
                                                        "verdict   %s (window %d): %s",
                                                        p.path("verdict").asText(),
                                                        p.path("window").asInt(),
                                                        p.path("summary").asText())
                                                + gates(p.path("checks"));
                                case "CommandReceived" ->
                                        "command   "
                                                + p.path("type").asText().toLowerCase()
                                                + (p.path("reason").isTextual()
                                                        ? ": " + p.path("reason").asText()
                                                        : "");
                                case "TrafficConfirmed" ->
                                        String.format(
                                                "gateway   serves canary %.2f %%",
                                                p.path("served").path("canary").asDouble());
                                default -> "input     " + entry.path("cause").asText();
                            };
                    default ->
                            String.format(
                                    "%-9s %s",
                                    entry.path("type").asText().toLowerCase(),
                                    entry.path("cause").asText());
                };
        return String.format(
                "%s #%-3d %s%s",
                at,
                entry.path("sequence").asLong(),
                what,
                entry.path("actor").isTextual()
                        ? "  (by " + entry.path("actor").asText() + ")"
                        : "");
    }

    /** A verdict's gates, a line each under it: name, result, what it found. */
    static String gates(JsonNode checks) {
        StringBuilder lines = new StringBuilder();
        for (JsonNode check : checks) {
            String metric = check.path("metric").asText();
            if (metric.startsWith("gate ")) {
                lines.append(System.lineSeparator())
                        .append(" ".repeat(24))
                        .append(metric)
                        .append(check.path("passed").asBoolean() ? " passed: " : " FAILED: ")
                        .append(check.path("detail").asText());
            }
        }
        return lines.toString();
    }

    static String bar(double percent) {
        int filled = (int) Math.round(Math.max(0, Math.min(100, percent)) / 5);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }
}
