package id.gelombang.verification.persistence;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import id.gelombang.common.database.SqlValues;

/**
 * Pace and daily quota of one outside service, shared by every worker instance through one row.
 * Reserving a slot is a single upsert: it hands out the next free instant, at least one interval
 * after the previous one, and counts it against today's quota. A worker that dies after
 * reserving wastes its slot, which errs on the side of calling less, never more.
 */
@ApplicationScoped
public class OutboundGate {

    /** The instant the caller may make its call, or null when today's quota is used up. */
    public Uni<Instant> reserve(String service, Duration interval, int dailyQuota, LocalDate today, Instant now) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO outbound_gate AS g (name, next_slot, quota_day, used_today)
                VALUES (:name, CAST(:now AS timestamptz) + :intervalMicros * interval '1 microsecond', :today, 1)
                ON CONFLICT (name) DO UPDATE SET
                    next_slot = greatest(g.next_slot, excluded.next_slot - :intervalMicros * interval '1 microsecond')
                                + :intervalMicros * interval '1 microsecond',
                    used_today = CASE WHEN g.quota_day = excluded.quota_day THEN g.used_today + 1 ELSE 1 END,
                    quota_day = excluded.quota_day
                WHERE g.quota_day <> excluded.quota_day OR g.used_today < :quota
                RETURNING next_slot - :intervalMicros * interval '1 microsecond'""", OffsetDateTime.class)
                .setParameter("name", service)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("intervalMicros", interval.toNanos() / 1_000)
                .setParameter("today", today)
                .setParameter("quota", dailyQuota)
                .getResultList()))
                .map((List<OffsetDateTime> slots) -> slots.isEmpty() ? null : slots.get(0).toInstant());
    }

    /** Calls counted against the service's quota on {@code today} so far (0 before the first). */
    public Uni<Integer> usedToday(String service, LocalDate today) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT used_today FROM outbound_gate WHERE name = :name AND quota_day = :today", Integer.class)
                .setParameter("name", service)
                .setParameter("today", today)
                .getResultList()))
                .map((List<Integer> used) -> used.isEmpty() ? 0 : used.get(0));
    }

    /** What a yielding caller got: a slot now, or the instant the gate frees up, or nothing today. */
    public sealed interface Reservation {
        /** Call now: the slot at {@code at} is this caller's. */
        record Granted(Instant at) implements Reservation {
        }

        /** Another caller holds the gate until {@code until}: nothing was reserved. */
        record Busy(Instant until) implements Reservation {
        }

        /** {@code quota} calls were already made today: nothing was reserved. */
        record QuotaUsedUp() implements Reservation {
        }
    }

    /**
     * As {@link #reserve}, for work that must yield to everyone else's: it takes a slot only when
     * the gate is free now and fewer than {@code quota} calls were made today, so it never takes a
     * slot ahead of a caller that reserves after it. One statement; the busy and quota answers come
     * from the row as this statement's snapshot saw it, which is enough to decide when to look again.
     */
    public Uni<Reservation> reserveIfFree(String service, Duration interval, int quota, LocalDate today, Instant now) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                WITH reserved AS (
                    INSERT INTO outbound_gate AS g (name, next_slot, quota_day, used_today)
                    VALUES (:name, CAST(:now AS timestamptz) + :intervalMicros * interval '1 microsecond', :today, 1)
                    ON CONFLICT (name) DO UPDATE SET
                        next_slot = excluded.next_slot,
                        used_today = CASE WHEN g.quota_day = excluded.quota_day THEN g.used_today + 1 ELSE 1 END,
                        quota_day = excluded.quota_day
                    WHERE g.next_slot <= CAST(:now AS timestamptz)
                      AND (g.quota_day <> excluded.quota_day OR g.used_today < :quota)
                    RETURNING 1)
                SELECT (SELECT count(*) FROM reserved), g.next_slot, g.quota_day = CAST(:today AS date) AND g.used_today >= :quota
                FROM (SELECT 1) AS one LEFT JOIN outbound_gate g ON g.name = :name""", Object[].class)
                .setParameter("name", service)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("intervalMicros", interval.toNanos() / 1_000)
                .setParameter("today", today)
                .setParameter("quota", quota)
                .getSingleResult()))
                .map(row -> {
                    if (((Number) row[0]).longValue() == 1) {
                        return new Reservation.Granted(now);
                    }
                    if (Boolean.TRUE.equals(row[2])) {
                        return new Reservation.QuotaUsedUp();
                    }
                    return new Reservation.Busy(row[1] == null ? now : SqlValues.instant(row[1]));
                });
    }
}
