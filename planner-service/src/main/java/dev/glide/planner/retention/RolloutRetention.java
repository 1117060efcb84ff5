package dev.glide.planner.retention;

import dev.glide.contract.retention.RetentionTask;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The planner's part of retention ({@link dev.glide.contract.retention.RetentionJob}): every
 * rollout and train keeps its whole log (a few dozen rows) for ever unless told otherwise; with
 * {@code glide.retention.ended-after} set, rollouts and trains that ended longer ago than that are
 * removed with their log, commands, timers and signals; with {@code glide.retention.archive-dir}
 * set each is first appended to {@code <dir>/glide-archive-<date>.jsonl} (its row and its log, one
 * JSON line), flushed to disk before the rows go. Never a running one: only an ended rollout whose
 * log is all published, and a train's member only once its train ended too. Several replicas share
 * the work ({@code FOR UPDATE SKIP LOCKED}).
 */
@ApplicationScoped
public class RolloutRetention implements RetentionTask {

    private static final String ENDED = "('SUCCEEDED', 'ABORTED', 'FAILED')";
    private static final int BATCH = 200;

    private final EntityManager entityManager;
    private final Optional<Path> archiveDir;

    RolloutRetention(
            EntityManager entityManager,
            @ConfigProperty(name = "glide.retention.archive-dir") Optional<Path> archiveDir) {
        this.entityManager = entityManager;
        this.archiveDir = archiveDir;
    }

    @Override
    public String what() {
        return "rollouts and trains with their logs"
                + archiveDir.map(dir -> ", archived in " + dir).orElse("");
    }

    @Override
    public int removeEndedBefore(Instant cutoff) {
        int removed = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> removeRollouts(cutoff));
            removed += batch;
        } while (batch == BATCH);
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> removeTrains(cutoff));
            removed += batch;
        } while (batch == BATCH);
        return removed;
    }

    private int removeRollouts(Instant cutoff) {
        @SuppressWarnings("unchecked")
        List<String> ids =
                entityManager
                        .createNativeQuery(
                                "select r.id from rollout r where r.state in "
                                        + ENDED
                                        + " and r.updated_at < ?1"
                                        + " and (r.train_id is null or exists (select 1 from train t"
                                        + " where t.id = r.train_id and t.state in "
                                        + ENDED
                                        + " and t.updated_at < ?1))"
                                        + " and not exists (select 1 from aggregate_log l where l.kind = 'rollout'"
                                        + " and l.aggregate_id = r.id and l.topic is not null and l.published_at is null)"
                                        + " order by r.updated_at limit "
                                        + BATCH
                                        + " for update of r skip locked")
                        .setParameter(1, cutoff)
                        .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        archive("rollout", "rollout", ids);
        delete("delete from aggregate_log where kind = 'rollout' and aggregate_id in (?1)", ids);
        delete("delete from aggregate_timer where kind = 'rollout' and aggregate_id in (?1)", ids);
        delete("delete from seen_command where kind = 'rollout' and target_id in (?1)", ids);
        delete("delete from rollout where id in (?1)", ids);
        return ids.size();
    }

    private int removeTrains(Instant cutoff) {
        @SuppressWarnings("unchecked")
        List<String> ids =
                entityManager
                        .createNativeQuery(
                                "select t.id from train t where t.state in "
                                        + ENDED
                                        + " and t.updated_at < ?1"
                                        + " and not exists (select 1 from rollout r where r.train_id = t.id)"
                                        + " and not exists (select 1 from aggregate_log l where l.kind = 'train'"
                                        + " and l.aggregate_id = t.id and l.topic is not null and l.published_at is null)"
                                        + " order by t.updated_at limit "
                                        + BATCH
                                        + " for update of t skip locked")
                        .setParameter(1, cutoff)
                        .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        archive("train", "train", ids);
        delete("delete from aggregate_log where kind = 'train' and aggregate_id in (?1)", ids);
        delete("delete from aggregate_timer where kind = 'train' and aggregate_id in (?1)", ids);
        delete("delete from seen_command where kind = 'train' and target_id in (?1)", ids);
        delete("delete from train_signal where train_id in (?1)", ids);
        delete("delete from train where id in (?1)", ids);
        return ids.size();
    }

    private void delete(String sql, List<String> ids) {
        entityManager.createNativeQuery(sql).setParameter(1, ids).executeUpdate();
    }

    /** One JSON line per aggregate, its row and its log, on disk before its rows are deleted. */
    private void archive(String kind, String table, List<String> ids) {
        if (archiveDir.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> lines =
                entityManager
                        .createNativeQuery(
                                "select jsonb_build_object('kind', ?2, 'row', to_jsonb(a), 'log',"
                                        + " coalesce((select jsonb_agg(to_jsonb(l) order by l.sequence) from aggregate_log l"
                                        + " where l.kind = ?2 and l.aggregate_id = a.id), '[]'::jsonb))::text"
                                        + " from "
                                        + table
                                        + " a where a.id in (?1)")
                        .setParameter(1, ids)
                        .setParameter(2, kind)
                        .getResultList();
        Path file =
                archiveDir
                        .get()
                        .resolve("glide-archive-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        try {
            Files.createDirectories(archiveDir.get());
            try (FileChannel out =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND)) {
                out.write(StandardCharsets.UTF_8.encode(String.join("\n", lines) + "\n"));
                out.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot archive ended " + kind + "s in " + file + "; nothing was removed", e);
        }
    }
}
