package dev.glide.analysis.run;

import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.ExperimentDesign;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One analysis the planner asked for: judge the canary every {@code intervalSeconds}, {@code count}
 * times, starting when the planner started it. Kept in the database so a restart, or another
 * replica, carries on.
 */
@Entity
@Table(name = "analysis_run")
@IdClass(AnalysisRun.Key.class)
public class AnalysisRun extends PanacheEntityBase {

    public enum State {
        ACTIVE,
        DONE,
        CANCELLED
    }

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id
    @Column(name = "analysis_sequence")
    public long analysisSequence;

    public String service;

    @Column(name = "stable_version")
    public String stableVersion;

    @Column(name = "canary_version")
    public String canaryVersion;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> metrics;

    /** The webhook gates called at each window; an analysis of gates alone has no metrics. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Gate> gates = new ArrayList<>();

    /** Where the gates find the versions; null in analyses stored before gates had targets. */
    @JdbcTypeCode(SqlTypes.JSON)
    public GateTargets targets;

    /**
     * An experiment's design (null for a canary's analysis); its {@code stopped} grows as variants
     * fail their guardrails.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public ExperimentDesign experiment;

    @Column(name = "interval_seconds")
    public long intervalSeconds;

    public int count;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "windows_judged")
    public int windowsJudged;

    @Column(name = "threshold_failures")
    public int thresholdFailures;

    @Enumerated(EnumType.STRING)
    public State state;

    @Column(name = "due_at")
    public Instant dueAt;

    public Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    /** The rollout as a metrics source asks about it. */
    public AnalysedRollout rollout() {
        return new AnalysedRollout(rolloutId, service, stableVersion, canaryVersion);
    }

    /** The start of window {@code k} (1-based); its end is the start of window k + 1. */
    public Instant windowStart(int k) {
        return startedAt.plus(interval().multipliedBy(k - 1L));
    }

    /** When the last window ends. */
    public Instant endsAt() {
        return windowStart(count + 1);
    }

    public static List<AnalysisRun> activeOf(String rolloutId) {
        return list("rolloutId = ?1 and state = ?2", rolloutId, State.ACTIVE);
    }

    /** The primary key: one rollout, one analysis of it. */
    public static class Key implements Serializable {
        public String rolloutId;
        public long analysisSequence;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(key.rolloutId, rolloutId)
                    && key.analysisSequence == analysisSequence;
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, analysisSequence);
        }
    }
}
