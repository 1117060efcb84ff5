package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.source.AnalysedRollout;
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
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One gate of one analysis window, with what it needs to run and, once it ran, its finding. A
 * replica runs it only while it holds the row's lease ({@link GateRunner}); a row that ended is
 * never run again. Window {@value #BESIDE} is a load test that runs beside the whole analysis;
 * window {@value #TOLD} a gate told of the rollout's end (onAbort).
 */
@Entity
@Table(name = "gate_run")
// a gate's progress report writes its finding alone, never an older lease over a renewal
@DynamicUpdate
@IdClass(GateRun.Key.class)
public class GateRun extends PanacheEntityBase {

    /** The window number of a gate that runs beside the whole analysis (a load test). */
    public static final int BESIDE = 0;

    /** The window number of a gate that is only told (onAbort), once the rollout ended. */
    public static final int TOLD = -1;

    public enum State {
        PENDING,
        RUNNING,
        PASSED,
        FAILED,
        /** Its analysis ended before it ran to its end (the rollout moved on). */
        CANCELLED;

        public boolean ended() {
            return this != PENDING && this != RUNNING;
        }
    }

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id
    @Column(name = "analysis_sequence")
    public long analysisSequence;

    @Id
    @Column(name = "gate_name")
    public String gateName;

    @Id
    @Column(name = "window_number")
    public int window;

    public String service;

    @Column(name = "stable_version")
    public String stableVersion;

    @Column(name = "canary_version")
    public String canaryVersion;

    @JdbcTypeCode(SqlTypes.JSON)
    public Gate gate;

    @JdbcTypeCode(SqlTypes.JSON)
    public GateTargets targets;

    /** When the gate must have ended: its analysis's end for a load test. */
    @Column(name = "runs_until")
    public Instant runsUntil;

    @Enumerated(EnumType.STRING)
    public State state;

    /** The replica running it, while it runs. */
    public String owner;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /** How many times a replica took it (more than one: a replica died running it). */
    public int attempts;

    /** What it found: the last one while a load test runs, the outcome once ended. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Finding finding;

    @Column(name = "created_at")
    public Instant createdAt;

    public AnalysedRollout rollout() {
        return new AnalysedRollout(rolloutId, service, stableVersion, canaryVersion);
    }

    /**
     * The gate's row for a window, created (free for any replica to take) if it is not there yet.
     */
    public static GateRun open(
            AnalysedRollout rollout,
            long analysisSequence,
            int window,
            Gate gate,
            GateTargets targets,
            Instant runsUntil) {
        GateRun run = findById(key(rollout.rolloutId(), analysisSequence, gate.name(), window));
        if (run != null) {
            return run;
        }
        run = new GateRun();
        run.rolloutId = rollout.rolloutId();
        run.analysisSequence = analysisSequence;
        run.gateName = gate.name();
        run.window = window;
        run.service = rollout.service();
        run.stableVersion = rollout.stableVersion();
        run.canaryVersion = rollout.canaryVersion();
        run.gate = gate;
        run.targets = targets;
        run.runsUntil = runsUntil;
        run.state = State.PENDING;
        run.leaseUntil = Instant.EPOCH;
        run.createdAt = Instant.now();
        run.persist();
        return run;
    }

    static Key key(String rolloutId, long analysisSequence, String gateName, int window) {
        Key key = new Key();
        key.rolloutId = rolloutId;
        key.analysisSequence = analysisSequence;
        key.gateName = gateName;
        key.window = window;
        return key;
    }

    static Key keyOf(GateRun run) {
        return key(run.rolloutId, run.analysisSequence, run.gateName, run.window);
    }

    /** The rows of one window of an analysis. */
    public static List<GateRun> of(String rolloutId, long analysisSequence, int window) {
        return list(
                "rolloutId = ?1 and analysisSequence = ?2 and window = ?3",
                rolloutId,
                analysisSequence,
                window);
    }

    /** The primary key: one gate of one window of one analysis. */
    public static class Key implements Serializable {
        public String rolloutId;
        public long analysisSequence;
        public String gateName;
        public int window;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(key.rolloutId, rolloutId)
                    && key.analysisSequence == analysisSequence
                    && Objects.equals(key.gateName, gateName)
                    && key.window == window;
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, analysisSequence, gateName, window);
        }
    }
}
