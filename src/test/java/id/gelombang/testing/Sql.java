package id.gelombang.testing;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import id.gelombang.common.local.LocalBackends;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/** Direct SQL for *IT tests, which run outside Quarkus: the same local PostgreSQL the packaged function uses. */
public final class Sql {

    private static Pool pool;

    private Sql() {
    }

    private static synchronized Pool pool() {
        if (pool == null) {
            String s3 = System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "");
            Map<String, String> config = LocalBackends.start(s3.isBlank() ? null : URI.create(s3));
            PgConnectOptions options = PgConnectOptions.fromUri(config.get("quarkus.datasource.reactive.url"))
                    .setUser(config.get("quarkus.datasource.username"))
                    .setPassword(config.get("quarkus.datasource.password"));
            pool = PgBuilder.pool().connectingTo(options).using(Vertx.vertx()).build();
        }
        return pool;
    }

    public static RowSet<Row> query(String sql, Object... args) {
        try {
            return pool().preparedQuery(sql).execute(Tuple.from(args)).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("SQL failed: " + sql, e);
        }
    }

    public static Row row(String sql, Object... args) {
        return query(sql, args).iterator().next();
    }

    public static long count(String sql, Object... args) {
        return row(sql, args).getLong(0);
    }
}
