package id.gelombang.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.pgclient.PgException;

/** The server-side limits every pooled connection starts with, so no statement can hold an instance for long. */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class DatabaseLimitsTest {

    @Inject
    Database db;

    @Test
    void everyConnectionCarriesStatementLockAndIdleTimeouts() {
        assertThat(show("statement_timeout")).isEqualTo("5s");
        assertThat(show("lock_timeout")).isEqualTo("3s");
        assertThat(show("idle_in_transaction_session_timeout")).isEqualTo("10s");
        // Sessions of frozen Lambda environments end on the server, so Aurora can pause.
        assertThat(show("idle_session_timeout")).isEqualTo("10min");
    }

    @Test
    void aStatementRunningPastTheLimitIsCancelled() {
        Throwable failure = null;
        try {
            db.pool().query("SELECT pg_sleep(6)").execute().await().atMost(Duration.ofSeconds(20));
        } catch (Throwable e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(PgException.class);
        assertThat(((PgException) failure).getSqlState()).isEqualTo("57014"); // query_canceled
    }

    private String show(String setting) {
        return db.pool().query("SHOW " + setting).execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString(0);
    }
}
