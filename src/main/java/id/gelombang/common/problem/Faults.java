package id.gelombang.common.problem;

import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a passing outage of a dependency (answered 503 + Retry-After, the client retries) from
 * a defect (answered 500), and describes a fault for the log without any exception message,
 * since messages can quote request data.
 */
public final class Faults {

    /** SQLSTATE classes and codes that mean "the database cannot serve right now". */
    private static final Set<String> TRANSIENT_SQLSTATE_CLASSES = Set.of("08", "53", "57");
    private static final Set<String> TRANSIENT_SQLSTATES = Set.of("40001", "40P01", "55P03");

    private Faults() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (TRANSIENT_SQLSTATES.contains(pg.getSqlState())
                            || TRANSIENT_SQLSTATE_CLASSES.contains(pg.getSqlState().substring(0, 2)))) {
                return true;
            }
            // The pool reports "Timeout waiting for connection" as a plain VertxException.
            if (t instanceof io.vertx.core.VertxException && String.valueOf(t.getMessage()).startsWith("Timeout")) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.endsWith("ConnectionPoolTooBusyException") || name.endsWith("NoStackTraceTimeoutException")
                    || name.endsWith("AnnotatedConnectException")) {
                return true;
            }
        }
        return false;
    }

    /** Exception classes and the stack of the first one, without messages. */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!out.isEmpty()) {
                out.append(" <- caused by ");
            }
            out.append(t.getClass().getName());
            if (t instanceof PgException pg) {
                out.append(" [SQLSTATE ").append(pg.getSqlState()).append(']');
            }
        }
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++) {
            out.append("\n\tat ").append(frames[i]);
        }
        return out.toString();
    }
}
