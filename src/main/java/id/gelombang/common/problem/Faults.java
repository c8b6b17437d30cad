package id.gelombang.common.problem;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Tells a passing outage of a dependency (answered 503 + Retry-After, the client retries) from
 * a defect (answered 500), by exception type, and describes a fault for the log without any
 * exception message, since messages can quote request data.
 */
public final class Faults {

    /** SQLSTATE classes and codes that mean "the database cannot serve right now". */
    private static final Set<String> TRANSIENT_SQLSTATE_CLASSES = Set.of("08", "53", "57");
    private static final Set<String> TRANSIENT_SQLSTATES = Set.of("40001", "40P01", "55P03");
    /**
     * The SQL client's pool fails an acquisition that waited past its connection timeout with one
     * shared, plain {@link VertxException} (SqlConnectionPool in Vert.x 4.5): no type of its own, so
     * its exact message is what identifies it.
     */
    static final String POOL_ACQUIRE_TIMEOUT = "Timeout waiting for connection";
    /** lock_not_available: what lock_timeout raises. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** deadlock_detected: PostgreSQL failed this transaction to end a deadlock. */
    private static final String DEADLOCK_DETECTED = "40P01";

    private Faults() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (isTransientItself(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientItself(Throwable t) {
        // Database: unreachable (ConnectException covers Netty's connect timeout), connection lost,
        // our own deadline (TimeoutException), the pool's wait queue full or its wait timed out.
        if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof TimeoutException
                || t instanceof ConnectionPoolTooBusyException) {
            return true;
        }
        if (t instanceof VertxException && POOL_ACQUIRE_TIMEOUT.equals(t.getMessage())) {
            return true;
        }
        String sqlState = sqlStateOf(t);
        if (sqlState != null && sqlState.length() == 5) {
            return TRANSIENT_SQLSTATES.contains(sqlState) || TRANSIENT_SQLSTATE_CLASSES.contains(sqlState.substring(0, 2));
        }
        // AWS (S3): throttled or failing on its side; timed out or unreachable from ours.
        if (t instanceof SdkServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        // A client-side SDK failure is the network only when I/O failed underneath it; missing
        // credentials or a bad request built by us are defects.
        if (t instanceof SdkClientException) {
            for (Throwable cause = t.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Why a transient failure was answered 503, as one fixed word for the shedding metric, or null
     * when the failure is not transient.
     */
    public static String shedReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (isTransientItself(t)) {
                return reasonOf(t);
            }
        }
        return null;
    }

    /** PostgreSQL's lock_timeout ended a statement somewhere in the chain. */
    public static boolean isLockTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (LOCK_NOT_AVAILABLE.equals(sqlStateOf(t))) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL ended a deadlock by failing a statement somewhere in the chain. */
    public static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (DEADLOCK_DETECTED.equals(sqlStateOf(t))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE this exception itself carries, or null: the reactive client raises a
     * {@link PgException}; Hibernate Reactive turns it into a {@link SQLException} with the same
     * SQLSTATE, without the original as its cause.
     */
    private static String sqlStateOf(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }

    private static String reasonOf(Throwable t) {
        String sqlState = sqlStateOf(t);
        if (sqlState != null) {
            return switch (sqlState) {
                case LOCK_NOT_AVAILABLE -> "lock-timeout";
                case "57014" -> "statement-timeout";
                case "40001", DEADLOCK_DETECTED -> "database-conflict";
                default -> sqlState.startsWith("53") ? "database-busy" : "database-unavailable";
            };
        }
        if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
            return "database-unavailable";
        }
        // The pool's wait queue is full, or its wait timed out (a plain VertxException, see above).
        if (t instanceof ConnectionPoolTooBusyException || t instanceof VertxException) {
            return "database-busy";
        }
        if (t instanceof TimeoutException) {
            return "deadline";
        }
        if (t instanceof SdkServiceException service && service.isThrottlingException()) {
            return "storage-throttled";
        }
        return "storage-unavailable";
    }

    /** Exception classes and the stack of the first one, without messages. */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!out.isEmpty()) {
                out.append(" <- caused by ");
            }
            out.append(t.getClass().getName());
            if (sqlStateOf(t) != null) {
                out.append(" [SQLSTATE ").append(sqlStateOf(t)).append(']');
            }
            if (t instanceof SdkServiceException service) {
                out.append(" [HTTP ").append(service.statusCode()).append(']');
            }
        }
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++) {
            out.append("\n\tat ").append(frames[i]);
        }
        return out.toString();
    }
}
