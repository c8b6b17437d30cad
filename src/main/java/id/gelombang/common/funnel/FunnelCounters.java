package id.gelombang.common.funnel;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Per-wave counts of registrations at each funnel stage, kept in the same transaction as the
 * status change they count. Each change lands on one of {@value #SHARDS} rows picked by the
 * registration's (random) id, so concurrent confirmations rarely wait on each other; reading sums
 * at most stages x shards rows, whatever the size of the wave. The pick keeps no random state of
 * its own: copies of one memory snapshot (Lambda SnapStart) would all draw the same sequence.
 */
@ApplicationScoped
public class FunnelCounters {

    static final int SHARDS = 16;

    /** Moves one registration from one stage to another; either may be null (not counted). Needs a transaction. */
    public Uni<Void> move(UUID registrationId, long waveId, FunnelStage from, FunnelStage to) {
        if (from == to) {
            return Uni.createFrom().voidItem();
        }
        short shard = shardOf(registrationId);
        Uni<Void> leave = from == null ? Uni.createFrom().voidItem() : add(waveId, from, shard, -1);
        return leave.chain(() -> to == null ? Uni.createFrom().voidItem() : add(waveId, to, shard, 1));
    }

    /** The shard every change of this registration lands on. */
    public static short shardOf(UUID registrationId) {
        return (short) Math.floorMod(registrationId.hashCode(), SHARDS);
    }

    private Uni<Void> add(long waveId, FunnelStage stage, short shard, int delta) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO wave_funnel (wave_id, stage, shard, count) VALUES (:waveId, :stage, :shard, :delta)
                ON CONFLICT (wave_id, stage, shard) DO UPDATE SET count = wave_funnel.count + :delta""")
                .setParameter("waveId", waveId)
                .setParameter("stage", stage.name())
                .setParameter("shard", shard)
                .setParameter("delta", (long) delta)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Current counts per stage; stages nobody reached yet count zero. Needs a session. */
    public Uni<Map<FunnelStage, Long>> counts(long waveId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT stage, sum(count) FROM wave_funnel WHERE wave_id = :waveId GROUP BY stage", Object[].class)
                .setParameter("waveId", waveId)
                .getResultList())
                .map(rows -> {
                    Map<FunnelStage, Long> counts = new EnumMap<>(FunnelStage.class);
                    for (FunnelStage stage : FunnelStage.values()) {
                        counts.put(stage, 0L);
                    }
                    for (Object[] row : rows) {
                        counts.put(FunnelStage.valueOf((String) row[0]), ((Number) row[1]).longValue());
                    }
                    return counts;
                });
    }
}
