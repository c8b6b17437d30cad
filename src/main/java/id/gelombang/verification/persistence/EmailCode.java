package id.gelombang.verification.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import id.gelombang.verification.domain.EmailCodeRules.CodeState;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A registration's current email code: its issue number, keyed digest and life. The first is created with the registration. */
@Entity
@Table(name = "email_code")
public class EmailCode extends PanacheEntityBase {

    @Id
    @Column(name = "registration_id")
    public UUID registrationId;

    /** Starts at 1; each resend takes the next number, and with it a new code. */
    public int issue;

    @Column(name = "code_digest")
    public byte[] codeDigest;

    /** When this issue was asked for (registration or resend). */
    @Column(name = "requested_at")
    public Instant requestedAt;

    /** When it was mailed, which starts its lifetime; null until then. */
    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "failed_attempts")
    public int failedAttempts;

    @Column(name = "locked_until")
    public Instant lockedUntil;

    public CodeState state() {
        return new CodeState(sentAt, usedAt, failedAttempts, lockedUntil);
    }
}
