package id.gelombang.access.service;

import java.security.MessageDigest;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.access.persistence.AccessCodeStore;
import id.gelombang.access.persistence.AccessCodeStore.Pending;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.service.PersonalDataCodec;
import id.gelombang.registration.service.PersonalRecord;
import id.gelombang.verification.VerificationConfig;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.mail.EmailSender;
import id.gelombang.verification.mail.EmailTexts;
import id.gelombang.verification.persistence.EmailDeliverability;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.verification.service.Blocking;
import id.gelombang.verification.service.EmailGate;
import id.gelombang.verification.service.JobHandler;
import id.gelombang.verification.service.JobResult;
import id.gelombang.verification.service.Mailing;
import id.gelombang.verification.service.SendGuard;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Mails an access code, as a code: queued for the shared email pace like email codes, ahead of
 * outcome notices. The birth date given with the request is checked here, against the
 * registration's sealed personal data, before anything is mailed: a wrong one sends nothing, which
 * the registrant's request could not tell either. The effect recorded is which code went out: its
 * ten minutes start then.
 */
@ApplicationScoped
public class AccessCodeHandler implements JobHandler<Long> {

    private final AccessCodeStore store;
    private final AccessSecrets secrets;
    private final PersonalDataCodec personalData;
    private final EmailSender sender;
    private final EmailGate gate;
    private final EmailDeliverability deliverability;
    private final VerificationConfig.Email config;
    private final SendGuard guard;
    private final Clock clock;

    public AccessCodeHandler(AccessCodeStore store, AccessSecrets secrets, PersonalDataCodec personalData, EmailSender sender,
            EmailGate gate, EmailDeliverability deliverability, VerificationConfig config, SendGuard guard, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.personalData = personalData;
        this.sender = sender;
        this.gate = gate;
        this.deliverability = deliverability;
        this.config = config.email();
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public JobKind kind() {
        return JobKind.ACCESS_CODE;
    }

    @Override
    public JobResult<Long> perform(ClaimedJob job) {
        Pending pending = Blocking.await(() -> Panache.withSession(() -> store.pending(job.registrationId())));
        if (pending == null) {
            return new JobResult.Completed<>(null); // used, mailed, replaced, withdrawn, erased, or the address bounced
        }
        PersonalRecord person = personalData.open(job.registrationId(), pending.personalData());
        if (!MessageDigest.isEqual(secrets.birthDigest(person.nik(), person.birthDate()), pending.birthDigest())) {
            return new JobResult.Completed<>(null); // not this registrant's birth date: nothing is mailed
        }
        // The address's digest is recorded before the mail goes, so that its bounce finds the registration.
        Blocking.await(() -> Panache.withTransaction(() -> deliverability.remember(job.registrationId(),
                deliverability.digest(person.email()))));
        if (!gate.awaitForAccessCode()) {
            return new JobResult.Deferred<>(gate.quotaResetsAt(), "email-daily-quota");
        }
        if (!guard.stillSendable(job.registrationId(), false)) {
            return new JobResult.Completed<>(null); // withdrawn or erased while it waited for its slot
        }
        String code = secrets.code(person.nik(), pending.nonce());
        return Mailing.send(sender, EmailTexts.accessCode(person.email(), Nik.mask(person.nik()), pending.waveCode(), code,
                AccessCodeRules.CODE_LIFETIME, config.siteUrl()), pending.nonce(), clock);
    }

    @Override
    public Uni<Void> record(ClaimedJob job, Long nonce) {
        return nonce == null ? Uni.createFrom().voidItem() : store.sent(job.registrationId(), nonce, clock.instant());
    }

    @Override
    public Uni<Void> giveUp(ClaimedJob job, String reason) {
        return Uni.createFrom().voidItem();
    }
}
