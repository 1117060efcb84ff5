package dev.glide.contract.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

    @Test
    void anUnreachableOrRestartingDatabaseIsAnOutageARefusedStatementIsNot() {
        assertThat(DatabaseOutage.isOutage(wrapped(new SQLException("refused", "08001")))).isTrue();
        assertThat(
                        DatabaseOutage.isOutage(
                                wrapped(new SQLException("terminating connection", "57P01"))))
                .isTrue();
        assertThat(DatabaseOutage.isOutage(wrapped(new SQLTransientConnectionException("gone"))))
                .isTrue();
        assertThat(
                        DatabaseOutage.isOutage(
                                wrapped(
                                        new SQLException(
                                                "Acquisition timeout while waiting for new connection"))))
                .isTrue();
        // every pooled connection busy, as Agroal words it
        assertThat(
                        DatabaseOutage.isOutage(
                                wrapped(new SQLException("Sorry, acquisition timeout!"))))
                .isTrue();
        assertThat(DatabaseOutage.isOutage(wrapped(new SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(DatabaseOutage.isOutage(new IllegalArgumentException("bad record"))).isFalse();
    }

    @Test
    void workIsTriedAgainWhileTheDatabaseIsDownAndOtherFailuresAreThrownAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        String result =
                DatabaseOutage.retry(
                        "a record",
                        () -> {
                            if (tries.incrementAndGet() < 3) {
                                throw wrapped(new SQLException("refused", "08001"));
                            }
                            return "stored";
                        });
        assertThat(result).isEqualTo("stored");
        assertThat(tries).hasValue(3);

        AtomicInteger refused = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                DatabaseOutage.retry(
                                        "a bad record",
                                        () -> {
                                            refused.incrementAndGet();
                                            throw wrapped(
                                                    new SQLException("duplicate key", "23505"));
                                        }))
                .hasMessageContaining("wrapped");
        assertThat(refused).hasValue(1);
    }

    private static RuntimeException wrapped(Exception cause) {
        return new IllegalStateException("wrapped", new RuntimeException(cause));
    }
}
