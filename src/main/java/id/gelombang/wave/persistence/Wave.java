package id.gelombang.wave.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** A registration wave (gelombang): open between two instants for at most {@code quota} registrants. */
@Entity
@Table(name = "wave")
public class Wave extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String code;

    @Column(name = "opens_at")
    public Instant opensAt;

    @Column(name = "closes_at")
    public Instant closesAt;

    public int quota;

    @Column(name = "registered_count")
    public int registeredCount;

    @Column(name = "household_limit")
    public int householdLimit;

    /** Days after the close until the retention job erases personal data (see {@link #retentionScope}). */
    @Column(name = "retention_days")
    public int retentionDays;

    @Enumerated(EnumType.STRING)
    @Column(name = "retention_scope")
    public RetentionScope retentionScope;

    public WaveStatus statusAt(Instant now) {
        if (now.isBefore(opensAt)) {
            return WaveStatus.UPCOMING;
        }
        return now.isBefore(closesAt) ? WaveStatus.OPEN : WaveStatus.CLOSED;
    }

    public int remaining() {
        return Math.max(0, quota - registeredCount);
    }

    public static Uni<Wave> findByCode(String code) {
        return find("code", code).firstResult();
    }

    /** The wave open at {@code now}, else the next one to open; null when there is none. */
    public static Uni<Wave> currentOrNext(Instant now) {
        return find("closesAt > ?1 order by opensAt", now).firstResult();
    }
}
