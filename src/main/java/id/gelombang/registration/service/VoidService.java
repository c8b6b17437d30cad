package id.gelombang.registration.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.VoidCase;
import id.gelombang.registration.persistence.ErasureStore;
import id.gelombang.registration.persistence.RegistrationStore;
import id.gelombang.registration.persistence.RegistrationStore.Held;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Undoing identity theft: an operator voids the registration holding a NIK in a wave once an
 * identity check outside the system proved it was made with someone else's identity (a leaked
 * record passes the registry's check, so nothing inside the system can tell). Found by the owner's
 * NIK, matched by its keyed digest: no personal data in the URL, the audit entry or the answer.
 * <p>
 * In one transaction, under the registration's row lock (as withdrawal): its KTP photos are deleted
 * from S3 first; it gives back its NIK, family-card, email and wave places, so the owner can register
 * at once; its personal data is erased as withdrawal erases it (digests, photos, email codes, jobs),
 * except the sealed record, kept only until the notice to its address is mailed
 * ({@link VoidFollowUp}); its token and its Idempotency-Key answer 410 /voided; the funnel counts it;
 * the audit trail records who voided which registration under which case. The case reference is
 * unique per wave, so a repeated call answers the same void instead of voiding what holds the NIK now
 * (the owner's new registration).
 */
@ApplicationScoped
public class VoidService {

    private final RegistrationStore store;
    private final ErasureStore erasure;
    private final StoredReplies replies;
    private final StoredPhotos storage;
    private final FunnelCounters funnel;
    private final OperatorAudit audit;
    private final VoidFollowUp followUp;
    private final PersonalDataProtection protection;
    private final Deadline deadline;
    private final Vertx vertx;
    private final Clock clock;

    public VoidService(RegistrationStore store, ErasureStore erasure, StoredReplies replies, StoredPhotos storage,
            FunnelCounters funnel, OperatorAudit audit, VoidFollowUp followUp, PersonalDataProtection protection,
            Deadline deadline, Vertx vertx, Clock clock) {
        this.store = store;
        this.erasure = erasure;
        this.replies = replies;
        this.storage = storage;
        this.funnel = funnel;
        this.audit = audit;
        this.followUp = followUp;
        this.protection = protection;
        this.deadline = deadline;
        this.vertx = vertx;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<VoidResult> voidRegistration(String waveCode, String nik, String caseReference, String actor) {
        FieldErrors errors = new FieldErrors();
        Nik owner = Nik.parse(nik, "nik", errors);
        String reference = VoidCase.check(caseReference, "caseReference", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION.problem("The void has invalid fields.", errors.list()));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return deadline.bound(store.waveIdOf(waveCode)
                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave with this code."))
                .chain(waveId -> store.voidedUnder(waveId, reference).chain(earlier -> earlier != null
                        ? Uni.createFrom().item(result(earlier.id().toString(), waveCode, reference, earlier.voidedAt()))
                        : store.holderOf(waveId, protection.lookupDigest("nik", owner.digits()))
                                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception(
                                        "No registration of this wave holds this NIK (a voided, withdrawn or rejected one no"
                                                + " longer does)."))
                                .chain(holder -> voidHolder(holder, waveCode, reference, actor, now)))));
    }

    private Uni<VoidResult> voidHolder(Held holder, String waveCode, String reference, String actor, Instant now) {
        // S3 calls block: run them on a worker, then come back to this request's context for the database.
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            storage.deleteAll(holder.photoKeys());
            return holder.photoKeys().size();
        }))
                .chain(() -> store.release(holder.id(), now))
                .chain(() -> erasure.eraseAllButTheSealedRecord(List.of(holder.id()), now))
                .chain(() -> store.markVoided(holder.id(), reference, now))
                .chain(() -> replies.replaceWith(holder.id(), ProblemType.VOIDED.problem(RegistrationAccess.VOIDED_DETAIL)))
                .chain(() -> funnel.move(holder.id(), holder.waveId(), null, FunnelStage.VOIDED))
                .chain(() -> followUp.voided(holder.id(), now))
                .chain(() -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("registrationId", holder.id().toString());
                    details.put("caseReference", reference);
                    return audit.record(actor, OperatorAction.VOID_REGISTRATION, waveCode, details, now);
                })
                .map(recorded -> result(holder.id().toString(), waveCode, reference, now));
    }

    private static VoidResult result(String id, String waveCode, String reference, Instant voidedAt) {
        return new VoidResult(id, waveCode, reference, voidedAt.truncatedTo(ChronoUnit.SECONDS));
    }
}
