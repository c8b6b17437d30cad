package id.gelombang.common.database;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The PostgreSQL pool with every wait bounded (see {@link DatabaseConfig}). */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;

    public BoundedPoolCreator(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(config.maxWaitQueue());
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) config.connectTimeout().toMillis());
        }
        // One URL is configured (the cluster's writer endpoint).
        return PgBuilder.pool().with(pool).connectingTo(input.pgConnectOptionsList().get(0)).using(input.vertx()).build();
    }
}
