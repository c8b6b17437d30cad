package id.gelombang.wave.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;

import id.gelombang.wave.CurrentWave;
import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveRules;
import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.WaveStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/**
 * A registration wave (gelombang): open between two instants. A first-come wave takes at most
 * {@code quota} registrants; a draw wave takes every eligible one and its draw selects {@code quota}.
 */
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

    /**
     * Places taken: the sum over the wave's shards of places (V10, {@code wave_place}), read with the
     * wave. Read-only here; registrations and releases change the shards, never this row.
     */
    @Formula("(SELECT CAST(coalesce(sum(p.taken), 0) AS integer) FROM wave_place p WHERE p.wave_id = id)")
    public int registeredCount;

    @Column(name = "household_limit")
    public int householdLimit;

    /** Days after the close until the retention job erases personal data (see {@link #retentionScope}). */
    @Column(name = "retention_days")
    public int retentionDays;

    @Enumerated(EnumType.STRING)
    @Column(name = "retention_scope")
    public RetentionScope retentionScope;

    public String selection = WaveSelection.FIRST_COME.name();

    @Column(name = "draw_requires_verified_nik")
    public boolean drawRequiresVerifiedNik;

    /** A draw wave whose NOT_SELECTED registrants get an outcome notice too (SELECTED ones always do). */
    @Column(name = "notify_not_selected")
    public boolean notifyNotSelected;

    /**
     * The draw's 32-byte seed, sealed until the draw (DrawSeedSeal, context {@link #drawSeedContext()});
     * null when the seed was made outside the system and only its commitment is stored.
     */
    @Column(name = "draw_seed")
    public byte[] drawSeed;

    /** The seed was made outside the system: the draw takes it in its body and checks it against the commitment. */
    @Column(name = "draw_seed_outside")
    public boolean drawSeedOutside;

    /** The seed as the draw revealed it: public from then on. */
    @Column(name = "draw_seed_revealed")
    public byte[] drawSeedRevealed;

    /** The highest selected rank; null when every eligible registration was selected. */
    @Column(name = "draw_cutoff_rank")
    public String drawCutoffRank;

    /** Lowercase hex SHA-256 of the seed, published while the wave is open. */
    @Column(name = "draw_commitment")
    public String drawCommitment;

    @Column(name = "drawn_at")
    public Instant drawnAt;

    @Column(name = "draw_eligible")
    public Integer drawEligible;

    @Column(name = "draw_selected")
    public Integer drawSelected;

    /** The version of the drawn list of ranks its published file shows (kept by the database, V20). */
    @Column(name = "ranks_published", insertable = false, updatable = false)
    public int ranksPublished;

    public WaveSelection selection() {
        return WaveSelection.valueOf(selection);
    }

    public boolean isDraw() {
        return selection() == WaveSelection.DRAW;
    }

    /** What the seed's ciphertext is bound to, so it cannot be moved to another wave. */
    public String drawSeedContext() {
        return "draw-seed:" + code;
    }

    public WaveStatus statusAt(Instant now) {
        return CurrentWave.statusAt(opensAt, closesAt, now);
    }

    /** Places left in a first-come wave; null for a draw wave, whose quota is not a cap. */
    public Integer remaining() {
        return isDraw() ? null : Math.max(0, quota - registeredCount);
    }

    /** The wave with this code, or null; a string that cannot be a code (a NUL byte, say) is not looked up. */
    public static Uni<Wave> findByCode(String code) {
        return WaveRules.isCode(code) ? find("code", code).firstResult() : Uni.createFrom().nullItem();
    }

    /** The same row, read with SELECT … FOR UPDATE: held until the transaction ends. */
    public static Uni<Wave> findByCodeForUpdate(String code) {
        return WaveRules.isCode(code) ? find("code", code).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                : Uni.createFrom().nullItem();
    }

    /** The current wave (open at {@code now}, else the next to open; null when there is none), as the database's rule has it. */
    public static Uni<Wave> currentOrNext(Instant now) {
        return find("id = function('current_wave_id', ?1)", now).firstResult();
    }
}
