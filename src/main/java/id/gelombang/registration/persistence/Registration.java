package id.gelombang.registration.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Formula;

import id.gelombang.registration.domain.EmailUndeliverable;
import id.gelombang.registration.domain.KtpRejection;
import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.registration.domain.NikRejection;
import id.gelombang.registration.domain.NikStatus;
import id.gelombang.registration.domain.RegistrationStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/**
 * One registrant in one wave. Personal data is only in {@link #personalData} (encrypted);
 * the digests are keyed hashes for uniqueness and lookups. New rows are inserted by
 * {@link RegistrationStore#register}, whose statement enforces the NIK, household and quota rules.
 * <p>
 * Concurrent writers (upload URL, confirm, storage event, email verification, NIK verdict) never
 * overwrite each other's columns: a path that changes this entity reads it under the row lock
 * ({@link #findByTokenDigestForUpdate}, or {@code withLock}) so it sees and keeps every committed
 * change; a path that does not read it first writes with a targeted UPDATE of its own columns (the
 * NIK verdict). {@code @DynamicUpdate} in addition keeps each flush to the columns that changed.
 */
@Entity
@DynamicUpdate
@Table(name = "registration")
public class Registration extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "wave_id")
    public Long waveId;

    @Column(name = "wave_code")
    public String waveCode;

    @Column(name = "personal_data")
    public byte[] personalData;

    @Column(name = "token_digest")
    public byte[] tokenDigest;

    @Enumerated(EnumType.STRING)
    public RegistrationStatus status;

    @Column(name = "email_verified")
    public boolean emailVerified;

    /** Keyed digest of the address last mailed (V12), by which SES's bounces and complaints find the registration. */
    @Column(name = "email_digest")
    public byte[] emailDigest;

    /** Set once SES reported the address (V12); null while mail can go there. */
    @Enumerated(EnumType.STRING)
    @Column(name = "email_undeliverable")
    public EmailUndeliverable emailUndeliverable;

    @Column(name = "email_undeliverable_at")
    public Instant emailUndeliverableAt;

    /** Address changes by the registrant within the window that started at {@link #emailChangesSince}. */
    @Column(name = "email_changes")
    public short emailChanges;

    @Column(name = "email_changes_since")
    public Instant emailChangesSince;

    @Enumerated(EnumType.STRING)
    @Column(name = "nik_verification")
    public NikStatus nikVerification;

    /** Why the NIK check ended REJECTED, when it did. */
    @Enumerated(EnumType.STRING)
    @Column(name = "nik_reason")
    public NikRejection nikReason;

    /**
     * When someone else was first refused for this NIK while this registration had not proved its
     * email (V21); written only by the registration statement.
     */
    @Column(name = "nik_contested_at", insertable = false, updatable = false)
    public Instant nikContestedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "ktp_status")
    public KtpStatus ktpStatus;

    @Enumerated(EnumType.STRING)
    @Column(name = "ktp_reason")
    public KtpRejection ktpReason;

    /** Where the last issued upload URL puts the photo; cleared once the photo is accepted or rejected. */
    @Column(name = "ktp_pending_key")
    public String ktpPendingKey;

    @Column(name = "ktp_content_type")
    public String ktpContentType;

    @Column(name = "ktp_content_length")
    public Integer ktpContentLength;

    @Column(name = "ktp_checksum")
    public String ktpChecksum;

    /**
     * Where the accepted photo is kept: chosen with the first upload URL, before any object can exist
     * there, and reused by every later confirm, so erasure always knows it. A photo is there once
     * {@link #ktpStatus} has been RECEIVED.
     */
    @Column(name = "ktp_object_key")
    public String ktpObjectKey;

    /**
     * When the wave's draw was published (null before, and in first-come waves). A draw writes its
     * verdicts in short batches before it publishes them all at once: until then none is shown.
     */
    @Formula("(SELECT w.drawn_at FROM wave w WHERE w.id = wave_id)")
    public Instant waveDrawnAt;

    /** SELECTED or NOT_SELECTED once the wave's draw is made; written only by the draw's statements. */
    @Enumerated(EnumType.STRING)
    @Column(name = "selection_status", insertable = false, updatable = false)
    public RegistrationStatus selectionStatus;

    /** The hex rank the draw gave this registration; written only by the draw's statements. */
    @Column(name = "selection_rank", insertable = false, updatable = false)
    public String selectionRank;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Uni<Registration> findByTokenDigest(byte[] digest) {
        return find("tokenDigest", digest).firstResult();
    }

    /** The same row, read with SELECT … FOR UPDATE: held until the transaction ends. */
    public static Uni<Registration> findByTokenDigestForUpdate(byte[] digest) {
        return find("tokenDigest", digest).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Whether this registration's draw verdict is published (its wave's draw is made, not still being made). */
    public boolean verdictPublished() {
        return selectionStatus != null && waveDrawnAt != null;
    }

    /** The status as it may be shown: the verdict of a draw still being made is not one yet. */
    public RegistrationStatus shownStatus() {
        boolean verdict = status == RegistrationStatus.SELECTED || status == RegistrationStatus.NOT_SELECTED;
        return verdict && waveDrawnAt == null ? RegistrationStatus.REGISTERED : status;
    }
}
