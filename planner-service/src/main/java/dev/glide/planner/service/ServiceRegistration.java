package dev.glide.planner.service;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A registered service: its name, owning team and {@link ServiceSpec} as JSON. */
@Entity
@Table(name = "service")
public class ServiceRegistration extends PanacheEntityBase {

    @Id public String name;

    public String team;

    @JdbcTypeCode(SqlTypes.JSON)
    public ServiceSpec spec;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
