package id.gelombang.upload.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.storage.UploadConfig;
import id.gelombang.registration.domain.KtpRejection;
import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.registration.persistence.Registration;
import id.gelombang.registration.service.RegistrationAccess;
import id.gelombang.upload.domain.KtpInspection.Verdict;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.upload.domain.KtpPhoto.ImageType;
import id.gelombang.upload.persistence.UploadUrlStatement;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * KTP photo uploads: hands out presigned URLs under keys that carry no personal data, and on
 * confirmation checks what actually arrived in S3 before accepting it.
 */
@ApplicationScoped
public class KtpUploadService {

    /** Longest upload URL lifetime the contract allows. */
    static final Duration MAX_URL_TTL = Duration.ofMinutes(10);

    /** The reasons of a 422 /ktp-missing. */
    public enum Missing {
        /** No upload URL was asked for. */
        KTP_UPLOAD_URL_NOT_REQUESTED,
        /** Nothing arrived at the last upload URL. */
        KTP_NOT_UPLOADED
    }

    public record IssuedUpload(String uploadUrl, String method, Map<String, String> headers, Instant expiresAt) {
    }

    public record Confirmation(KtpStatus status, KtpRejection reason) {
    }

    private final RegistrationAccess access;
    private final UploadUrlStatement uploadUrls;
    private final KtpStorage storage;
    private final UploadUrlSigner signer;
    private final UploadConfig config;
    private final FunnelCounters funnel;
    private final Deadline deadline;
    private final Vertx vertx;
    private final Clock clock;

    public KtpUploadService(RegistrationAccess access, UploadUrlStatement uploadUrls, KtpStorage storage, UploadUrlSigner signer, UploadConfig config, FunnelCounters funnel,
            Deadline deadline, Vertx vertx, Clock clock) {
        if (config.urlTtl().isNegative() || config.urlTtl().isZero() || config.urlTtl().compareTo(MAX_URL_TTL) > 0) {
            throw new IllegalStateException("gelombang.upload.url-ttl must be between 1 second and " + MAX_URL_TTL);
        }
        this.access = access;
        this.uploadUrls = uploadUrls;
        this.storage = storage;
        this.signer = signer;
        this.config = config;
        this.funnel = funnel;
        this.deadline = deadline;
        this.vertx = vertx;
        this.clock = clock;
    }

    /**
     * One statement (see {@link UploadUrlStatement}): the URL is signed first, since signing needs
     * no database, and the statement records it only for the registration the token addresses.
     * A request with invalid fields is still authenticated first, so a stranger learns nothing.
     */
    public Uni<IssuedUpload> issueUploadUrl(String registrationId, String authorization, String contentType,
            Long contentLength, String checksumSha256) {
        FieldErrors errors = new FieldErrors();
        KtpPhoto photo = KtpPhoto.declare(contentType, contentLength, checksumSha256, errors);
        if (photo == null) {
            return deadline.bound(Panache.withSession(() -> access.authorize(registrationId, authorization))).map(registration -> {
                throw new ProblemException(ProblemType.VALIDATION.problem("The upload request has invalid fields.", errors.list()));
            });
        }
        byte[] tokenDigest = access.tokenDigest(authorization);
        // Not a UUID: an id no registration has (all zeros), so the statement answers as for another's id (404).
        UUID id = Objects.requireNonNullElse(RegistrationAccess.parseId(registrationId), new UUID(0, 0));
        Instant now = clock.instant();
        String key = config.pendingPrefix() + UUID.randomUUID();
        String acceptedKey = config.acceptedPrefix() + UUID.randomUUID();
        UploadUrlSigner.UploadUrl url = signer.presignPut(key, photo, config.urlTtl());
        return deadline.bound(uploadUrls.issue(id, tokenDigest, key, acceptedKey, photo, now)).map(holder -> {
            access.admit(registrationId, holder == null ? null : holder.id(), holder == null ? null : holder.status());
            if (holder.erased()) {
                throw RegistrationAccess.erased();
            }
            return new IssuedUpload(url.url(), "PUT", url.headers(), now.plus(config.urlTtl()).truncatedTo(ChronoUnit.SECONDS));
        });
    }

    /**
     * Checks the object at the last issued key. Accepted photos move to the accepted area;
     * a file that is not what was declared is deleted and the registration marked REJECTED.
     * Calling it again after a decision answers the same decision.
     */
    @WithTransaction
    public Uni<Confirmation> confirm(String registrationId, String authorization) {
        return deadline.bound(access.authorizeForUpdate(registrationId, authorization).chain(registration -> {
            if (registration.personalData == null) {
                throw RegistrationAccess.erased(); // its photo was erased with the rest
            }
            if (registration.ktpPendingKey == null) {
                if (registration.ktpStatus == KtpStatus.RECEIVED || registration.ktpStatus == KtpStatus.REJECTED) {
                    return Uni.createFrom().item(new Confirmation(registration.ktpStatus, registration.ktpReason));
                }
                throw missing(Missing.KTP_UPLOAD_URL_NOT_REQUESTED, "Request an upload URL and upload the photo first.");
            }
            return inspectPending(registration);
        }));
    }

    /**
     * The storage event for a newly created object: checks it exactly as {@link #confirm} would,
     * for registrants who upload and then leave. Both take the registration's row lock first, so
     * whichever comes second finds the decision already made. Empty when no registration is
     * waiting for this object (already decided, a newer upload URL was issued since, or the
     * registrant withdrew): such an object is deleted, since an old upload URL stays usable until
     * it expires and nothing would ever read what it uploaded.
     */
    @WithTransaction
    public Uni<Optional<Confirmation>> objectArrived(String objectKey) {
        if (objectKey == null || !objectKey.startsWith(config.pendingPrefix())) {
            return Uni.createFrom().item(Optional.empty());
        }
        return deadline.bound(Registration.<Registration>find("ktpPendingKey", objectKey)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .chain(registration -> registration == null
                        ? vertx.executeBlocking(Uni.createFrom().item(() -> {
                            storage.delete(objectKey);
                            return Optional.<Confirmation>empty();
                        }))
                        : inspectPending(registration).map(Optional::of)));
    }

    private Uni<Confirmation> inspectPending(Registration registration) {
        KtpPhoto declared = new KtpPhoto(ImageType.ofMediaType(registration.ktpContentType),
                registration.ktpContentLength, registration.ktpChecksum);
        String pendingKey = registration.ktpPendingKey;
        // S3 calls block: run them on a worker and come back to this request's context for the database.
        return vertx.executeBlocking(Uni.createFrom().item(() -> decide(registration, pendingKey, declared)))
                .chain(decision -> record(registration, decision));
    }

    private record Decision(Verdict verdict, String acceptedKey) {
    }

    private Decision decide(Registration registration, String pendingKey, KtpPhoto declared) {
        Optional<Verdict> verdict = storage.inspect(pendingKey, declared);
        if (verdict.isEmpty()) {
            throw missing(Missing.KTP_NOT_UPLOADED, "No photo has arrived at the upload URL yet. Upload it, then confirm.");
        }
        if (verdict.get() != Verdict.ACCEPTED) {
            storage.delete(pendingKey);
            return new Decision(verdict.get(), null);
        }
        // The key recorded with the first upload URL: a new photo replaces the one there in place, and
        // a commit that fails after this move leaves the object where erasure looks.
        String acceptedKey = registration.ktpObjectKey != null ? registration.ktpObjectKey
                : config.acceptedPrefix() + pendingKey.substring(config.pendingPrefix().length());
        storage.move(pendingKey, acceptedKey);
        return new Decision(Verdict.ACCEPTED, acceptedKey);
    }

    private static ProblemException missing(Missing reason, String detail) {
        return new ProblemException(ProblemType.KTP_MISSING.problemWithReason(detail, reason.name()));
    }

    private Uni<Confirmation> record(Registration registration, Decision decision) {
        FunnelStage before = registration.ktpStatus.funnelStage();
        registration.ktpPendingKey = null;
        registration.updatedAt = clock.instant();
        if (decision.verdict() == Verdict.ACCEPTED) {
            registration.ktpStatus = KtpStatus.RECEIVED;
            registration.ktpReason = null;
            registration.ktpObjectKey = decision.acceptedKey();
        } else {
            registration.ktpStatus = KtpStatus.REJECTED;
            registration.ktpReason = decision.verdict().reason();
        }
        return funnel.move(registration.id, registration.waveId, before, registration.ktpStatus.funnelStage())
                .replaceWith(new Confirmation(registration.ktpStatus, registration.ktpReason));
    }
}
