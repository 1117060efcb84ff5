package dev.glide.planner.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One log entry as the API shows it. */
public record HistoryEntry(
        long sequence,
        String type,
        String cause,
        String actor,
        Instant occurredAt,
        Instant publishedAt,
        JsonNode payload) {}
