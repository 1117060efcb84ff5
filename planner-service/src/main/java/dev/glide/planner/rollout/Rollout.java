package dev.glide.planner.rollout;

import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.AggregateRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.hibernate.FlushMode;
import org.hibernate.LockMode;
import org.hibernate.Session;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.type.SqlTypes;

/**
 * A rollout's current state. Its log (the kernel's, kind {@code rollout}) is the history this state
 * folds from. An update writes only the columns that changed: its spec and release (JSON, written
 * once) are not serialised again for every step.
 */
@Entity
@Table(name = "rollout")
@DynamicUpdate
public class Rollout extends AggregateRow {

    public String service;

    public String environment;

    @Column(name = "stable_version")
    public String stableVersion;

    @Column(name = "canary_version")
    public String canaryVersion;

    public String strategy;

    @Enumerated(EnumType.STRING)
    public RolloutState state;

    @Column(name = "step_index")
    public int stepIndex;

    @Column(name = "canary_weight")
    public double canaryWeight;

    @Column(name = "release_key")
    public String releaseKey;

    /** What the rollout follows. */
    @JdbcTypeCode(SqlTypes.JSON)
    public RolloutSpec spec;

    /** The state machine's full status. */
    @JdbcTypeCode(SqlTypes.JSON)
    public RolloutStatus status;

    /** The release train this rollout is a member of, or null. */
    @Column(name = "train_id")
    public String trainId;

    /** Why it is paused, aborting or failed. */
    public String reason;

    /** The release that started it, as received. */
    @JdbcTypeCode(SqlTypes.JSON)
    public ReleaseEvent release;

    /** The machine planned from {@link #spec}, and the spec it was planned from. */
    @Transient RolloutMachine machine;

    @Transient RolloutSpec machineOf;

    /**
     * The rollout, locked until the transaction ends, so its inputs are applied one at a time;
     * empty if unknown. Its service is locked first (see {@link #lockService}), so every writer
     * takes the locks in one order. Read again under the lock: a copy loaded earlier in this
     * transaction may be older than what another replica committed meanwhile.
     */
    public static Optional<Rollout> findLocked(String id) {
        Rollout held = lockedHere(Rollout.class, id);
        if (held != null) {
            // locked by this transaction already, its service first (here or in lockAll)
            return Optional.of(held);
        }
        // its service's lock, found and taken in one statement (0 when there is no such rollout)
        Number found =
                (Number)
                        getEntityManager()
                                .createNativeQuery(
                                        "select count(*) from (select "
                                                + serviceLock("r.service")
                                                + " from rollout r where r.id = ?1) l")
                                .setParameter(1, id)
                                .getSingleResult();
        if (found.intValue() == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(findLocked(Rollout.class, id));
    }

    /**
     * Locks these rollouts as {@link #findLocked} locks one, in two statements instead of two per
     * rollout: their services (in one order, so two such writers never wait on each other), then
     * the rows. A train acting on two hundred members at once, or a batch of inputs to many
     * rollouts, locks them here first; each {@link #findLocked} after it finds its row held. Native
     * statements with one array parameter: a list parameter would have Hibernate translate the
     * query again for every size of list.
     */
    public static void lockAll(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        String[] wanted = ids.toArray(String[]::new);
        var em = getEntityManager();
        em.createNativeQuery(
                        "select count(*) from (select "
                                + serviceLock("v.service")
                                + " from (select distinct service from rollout"
                                + " where id = any(?1) order by service) v) l")
                .setParameter(1, wanted)
                .getSingleResult();
        em.unwrap(Session.class)
                .createNativeQuery(
                        "select {r.*} from rollout r where r.id = any(?1) order by r.id for update",
                        Object.class)
                .addEntity("r", Rollout.class, LockMode.PESSIMISTIC_WRITE)
                .setParameter(1, wanted)
                .getResultList();
    }

    /**
     * Serialises, until the transaction ends, everything that decides which rollout of a service
     * runs: a release arriving while the running rollout ends must either see it ended or be seen
     * by it when it ends, never neither (which would leave the release waiting forever). A
     * PostgreSQL advisory lock, re-entrant within a transaction.
     */
    public static void lockService(String service) {
        lockServices(List.of(service));
    }

    /** {@link #lockService} for each of these services, in the order given, in one statement. */
    private static void lockServices(List<String> services) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= services.size(); i++) {
            values.append(i == 1 ? "" : ", ").append("(?").append(i).append(")");
        }
        var lock =
                getEntityManager()
                        .createNativeQuery(
                                "select count(*) from (select "
                                        + serviceLock("v.s")
                                        + " from (values "
                                        + values
                                        + ") v(s)) l");
        for (int i = 0; i < services.size(); i++) {
            lock.setParameter(i + 1, services.get(i));
        }
        lock.getSingleResult();
    }

    /** SQL that takes the advisory lock of the service named by {@code service} (an expression). */
    private static String serviceLock(String service) {
        return "pg_advisory_xact_lock(hashtext('glide-service:' || " + service + "))";
    }

    /** The service a rollout releases, without loading the rollout; empty if unknown. */
    public static Optional<String> serviceOf(String id) {
        return getEntityManager()
                .createQuery("select r.service from Rollout r where r.id = :id", String.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst();
    }

    /**
     * The rollout a release with this key started, read without flushing the session first (the key
     * is written once, as the rollout is created and flushed): a train's transaction asks this once
     * for each of its members.
     */
    public static Optional<Rollout> findByReleaseKey(String releaseKey) {
        return find("releaseKey", releaseKey)
                .withHint(HibernateHints.HINT_FLUSH_MODE, FlushMode.COMMIT)
                .firstResultOptional();
    }

    /**
     * The rollouts of a service that have not ended, oldest first, as this transaction sees them.
     *
     * <p>Read without flushing the session first: a batch of inputs that ends many rollouts asks
     * this once for each, and a flush before every query dirty-checked every rollout the batch
     * holds (their JSON columns too) again and again: a sixth of the planner's time under a burst
     * of releases. The rows come from the database and are kept when unfinished as this transaction
     * left them: a row the session holds is that same object (a rollout this transaction ended has
     * its new state there, and is dropped), and a rollout is flushed as it is created ({@link
     * dev.glide.planner.release.ReleaseIntake}), so none is missing; a final state never changes
     * back, so nothing the database calls final is unfinished here.
     */
    public static List<Rollout> unfinishedOf(String service) {
        // one parameter per final state: with a list parameter Hibernate would translate the query
        // to SQL again on every call (it caches the translation only of queries without one)
        return find(
                        "service = ?1 and state <> ?2 and state <> ?3 and state <> ?4 order by"
                                + " createdAt",
                        service,
                        RolloutState.SUCCEEDED,
                        RolloutState.ABORTED,
                        RolloutState.FAILED)
                .withHint(HibernateHints.HINT_FLUSH_MODE, FlushMode.COMMIT)
                .<Rollout>list()
                .stream()
                .filter(rollout -> !rollout.state.isFinal())
                .toList();
    }
}
