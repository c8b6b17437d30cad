package id.gelombang.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Which failures are a dependency's passing trouble (503 + Retry-After) and which are defects
 * (500), with the exception instances the libraries really raise.
 */
class FaultsTest {

    @Test
    void databaseOutagesAndSaturationAreTransient() {
        assertThat(Faults.isTransient(new ConnectException("Connection refused"))).isTrue();
        assertThat(Faults.isTransient(new ConnectTimeoutException("connection timed out"))).isTrue();
        assertThat(Faults.isTransient(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(Faults.isTransient(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 16"))).isTrue();
        assertThat(Faults.isTransient(new VertxException(Faults.POOL_ACQUIRE_TIMEOUT, true))).isTrue();
        assertThat(Faults.isTransient(pg("57014"))).as("statement_timeout").isTrue();
        assertThat(Faults.isTransient(pg("55P03"))).as("lock_timeout").isTrue();
        assertThat(Faults.isTransient(pg("53300"))).as("too many connections").isTrue();
        assertThat(Faults.isTransient(pg("57P03"))).as("cannot connect now (resuming)").isTrue();
        assertThat(Faults.isTransient(pg("40001"))).as("serialization failure").isTrue();
    }

    @Test
    void databaseDefectsAreNot() {
        assertThat(Faults.isTransient(pg("23505"))).as("unique violation").isFalse();
        assertThat(Faults.isTransient(pg("42P01"))).as("undefined table").isFalse();
        assertThat(Faults.isTransient(new VertxException("Something else went wrong"))).isFalse();
    }

    @Test
    void s3ThrottlingAndServerErrorsAreTransient() {
        assertThat(Faults.isTransient(s3(503, "SlowDown"))).isTrue();
        assertThat(Faults.isTransient(s3(500, "InternalError"))).isTrue();
        assertThat(Faults.isTransient(s3(400, "ThrottlingException"))).as("throttled by error code").isTrue();
        assertThat(Faults.isTransient(ApiCallTimeoutException.create(Duration.ofSeconds(2).toMillis()))).isTrue();
        assertThat(Faults.isTransient(ApiCallAttemptTimeoutException.create(Duration.ofSeconds(1).toMillis()))).isTrue();
        assertThat(Faults.isTransient(SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new SocketTimeoutException("Read timed out")).build())).isTrue();
        assertThat(Faults.isTransient(new CompletionException(SdkClientException.builder()
                .cause(new IOException("Connection reset")).build()))).as("wrapped").isTrue();
    }

    @Test
    void s3RefusalsAndClientDefectsAreNot() {
        assertThat(Faults.isTransient(s3(403, "AccessDenied"))).isFalse();
        assertThat(Faults.isTransient(s3(400, "InvalidRequest"))).isFalse();
        assertThat(Faults.isTransient(NoSuchKeyException.builder().statusCode(404).build())).isFalse();
        assertThat(Faults.isTransient(SdkClientException.create("Unable to load credentials from any of the providers"))).isFalse();
    }

    @Test
    void programmingErrorsAreNot() {
        assertThat(Faults.isTransient(new IllegalStateException("defect"))).isFalse();
        assertThat(Faults.isTransient(new NullPointerException())).isFalse();
        assertThat(Faults.isTransient(new CompletionException(new IllegalArgumentException("defect")))).isFalse();
    }

    @Test
    void descriptionsNameTypesAndCodesButNoMessages() {
        String described = Faults.describe(new CompletionException(s3(503, "SlowDown")));
        assertThat(described).contains(S3Exception.class.getName()).contains("[HTTP 503]").doesNotContain("detail message");
    }

    private static PgException pg(String sqlState) {
        return new PgException("message", "ERROR", sqlState, null);
    }

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("detail message")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("detail message").build())
                .build();
    }

    @Test
    void eachTransientFailureHasOneReasonForTheSheddingMetric() {
        assertThat(Faults.shedReason(pg("55P03"))).isEqualTo("lock-timeout");
        assertThat(Faults.shedReason(new java.util.concurrent.CompletionException(pg("55P03")))).as("wrapped").isEqualTo("lock-timeout");
        assertThat(Faults.shedReason(pg("57014"))).isEqualTo("statement-timeout");
        assertThat(Faults.shedReason(pg("40001"))).isEqualTo("database-conflict");
        assertThat(Faults.shedReason(pg("53300"))).isEqualTo("database-busy");
        assertThat(Faults.shedReason(pg("57P03"))).isEqualTo("database-unavailable");
        assertThat(Faults.shedReason(new ConnectException("Connection refused"))).isEqualTo("database-unavailable");
        assertThat(Faults.shedReason(ClosedConnectionException.INSTANCE)).isEqualTo("database-unavailable");
        assertThat(Faults.shedReason(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 16"))).isEqualTo("database-busy");
        assertThat(Faults.shedReason(new VertxException(Faults.POOL_ACQUIRE_TIMEOUT, true))).isEqualTo("database-busy");
        assertThat(Faults.shedReason(new java.util.concurrent.TimeoutException())).isEqualTo("deadline");
        assertThat(Faults.shedReason(s3(503, "SlowDown"))).isEqualTo("storage-throttled");
        assertThat(Faults.shedReason(s3(500, "InternalError"))).isEqualTo("storage-unavailable");
        assertThat(Faults.shedReason(pg("23505"))).as("a defect is not shed").isNull();
        assertThat(Faults.isLockTimeout(new RuntimeException(pg("55P03")))).isTrue();
        assertThat(Faults.isLockTimeout(pg("57014"))).isFalse();
    }

    @Test
    void hibernateReactiveKeepsOnlyTheSqlStateAndThatIsEnough() {
        // Hibernate Reactive turns a PgException into an SQLException with its SQLSTATE and no cause.
        Exception lockTimeout = new jakarta.persistence.LockTimeoutException(
                new org.hibernate.exception.LockTimeoutException("could not execute", new java.sql.SQLException("x", "55P03")));
        assertThat(Faults.isTransient(lockTimeout)).isTrue();
        assertThat(Faults.shedReason(lockTimeout)).isEqualTo("lock-timeout");
        assertThat(Faults.isLockTimeout(lockTimeout)).isTrue();
        Exception statementTimeout = new org.hibernate.QueryTimeoutException("could not execute", new java.sql.SQLException("x", "57014"), "");
        assertThat(Faults.shedReason(statementTimeout)).isEqualTo("statement-timeout");
        Exception deadlock = new RuntimeException(new java.sql.SQLException("x", "40P01"));
        assertThat(Faults.isDeadlock(deadlock)).isTrue();
        assertThat(Faults.shedReason(deadlock)).isEqualTo("database-conflict");
        Exception unique = new org.hibernate.exception.ConstraintViolationException("x", new java.sql.SQLException("x", "23505"), "k");
        assertThat(Faults.isTransient(unique)).as("a defect stays a defect").isFalse();
        assertThat(Faults.describe(lockTimeout)).contains("java.sql.SQLException [SQLSTATE 55P03]").doesNotContain("could not execute");
    }
}
