package id.gelombang.registration.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * The first complete answer given to an Idempotency-Key; the body is encrypted. After a withdrawal
 * it is a 410 marker without the request fingerprint.
 */
@Entity
@Table(name = "idempotency_key")
public class IdempotencyRecord extends PanacheEntityBase {

    /** Hex SHA-256 of the client's key. */
    @Id
    @Column(name = "key_digest")
    public String keyDigest;

    @Column(name = "request_digest")
    public byte[] requestDigest;

    @Column(name = "response_status")
    public int responseStatus;

    @Column(name = "response_body")
    public byte[] responseBody;

    public String location;

    /** The registration a 201 reply created; withdrawal turns its reply into a 410. */
    @Column(name = "registration_id")
    public UUID registrationId;

    @Column(name = "created_at")
    public Instant createdAt;
}
