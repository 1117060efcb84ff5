package dev.glide.traffic.step;

import dev.glide.contract.RolloutStep;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The newest step applied to a rollout's route, kept so a redelivered or older step changes
 * nothing.
 */
@Entity
@Table(name = "applied_step")
public class AppliedStep extends PanacheEntityBase {

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    public long sequence;

    public String service;

    public String adapter;

    /** The gateway route the step drives (HAProxy backend, HTTPRoute, embedded Host or prefix). */
    public String route;

    /** The step as received: the desired state a reconcile drives the gateway back to. */
    @JdbcTypeCode(SqlTypes.JSON)
    public RolloutStep desired;

    @Column(name = "applied_at")
    public Instant appliedAt;

    /**
     * The newest applied step of every (adapter, route), in one query: what each route should serve
     * now.
     */
    @SuppressWarnings("unchecked")
    public static List<AppliedStep> newestPerRoute() {
        return getEntityManager()
                .createNativeQuery(
                        "select distinct on (adapter, route) * from applied_step order by adapter, route, applied_at desc",
                        AppliedStep.class)
                .getResultList();
    }
}
