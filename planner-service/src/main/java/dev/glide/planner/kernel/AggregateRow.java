package dev.glide.planner.kernel;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.time.Instant;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * What every event-sourced aggregate's row holds besides its own columns: its id, the sequence of
 * its newest log entry (the next gets the one after) and an optimistic lock, so two writers of one
 * aggregate cannot both commit and its log stays one ordered line.
 */
@MappedSuperclass
public abstract class AggregateRow extends PanacheEntityBase {

    @Id public String id;

    @Column(name = "last_sequence")
    public long lastSequence;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version public long version;

    /**
     * The row, locked until the transaction ends (null if there is none), read in one statement
     * under the lock. A copy loaded earlier in this transaction is read again under the lock
     * instead: it may be older than what another replica committed meanwhile.
     */
    protected static <T extends AggregateRow> T findLocked(Class<T> type, String id) {
        EntityManager em = Panache.getEntityManager(type);
        T earlier = managed(type, id);
        if (earlier == null) {
            return em.find(type, id, LockModeType.PESSIMISTIC_WRITE);
        }
        if (!locked(em, earlier)) {
            em.refresh(earlier, LockModeType.PESSIMISTIC_WRITE);
        }
        // read under this transaction's lock (now or before): nobody can change it any more
        return earlier;
    }

    /**
     * The row as this transaction already locked it ({@link #findLocked}, or a query that locks
     * many at once), or null when it has not.
     */
    protected static <T extends AggregateRow> T lockedHere(Class<T> type, String id) {
        T earlier = managed(type, id);
        return earlier != null && locked(Panache.getEntityManager(type), earlier) ? earlier : null;
    }

    private static boolean locked(EntityManager em, AggregateRow row) {
        return em.getLockMode(row) == LockModeType.PESSIMISTIC_WRITE;
    }

    /** The row if this transaction has loaded it, else null (without asking the database). */
    private static <T extends AggregateRow> T managed(Class<T> type, String id) {
        SessionImplementor session =
                Panache.getEntityManager(type).unwrap(SessionImplementor.class);
        Object managed =
                session.getPersistenceContextInternal()
                        .getEntity(
                                session.generateEntityKey(
                                        id,
                                        session.getFactory()
                                                .getMappingMetamodel()
                                                .getEntityDescriptor(type)));
        return type.isInstance(managed) ? type.cast(managed) : null;
    }
}
