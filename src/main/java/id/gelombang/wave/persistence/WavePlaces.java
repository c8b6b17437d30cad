package id.gelombang.wave.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * A wave's places, kept in shards (db/migration V10, {@code wave_place}) so that registrations of
 * one wave do not queue on one row. Registrations and releases change them in their own statements;
 * a change of the quota spreads the places left over the shards again (the table's trigger).
 */
@ApplicationScoped
public class WavePlaces {

    /**
     * Locks every shard of the wave, in shard order, and answers how many places are taken. From then
     * until the transaction ends no registration or release can change the count: it is exact, and a
     * quota set in the same transaction is checked against it. Registrations meanwhile wait a moment
     * and look again. Needs a transaction.
     */
    public Uni<Integer> lockAndCountTaken(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(coalesce(sum(taken), 0) AS integer) FROM (
                    SELECT taken FROM wave_place WHERE wave_id = :waveId ORDER BY shard FOR NO KEY UPDATE) AS locked""", Integer.class)
                .setParameter("waveId", waveId)
                .getSingleResult());
    }
}
