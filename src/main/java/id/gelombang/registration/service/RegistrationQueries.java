package id.gelombang.registration.service;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.Deadline;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.persistence.Registration;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RegistrationQueries {

    private final RegistrationAccess access;
    private final PersonalDataCodec personalData;
    private final Deadline deadline;

    public RegistrationQueries(RegistrationAccess access, PersonalDataCodec personalData, Deadline deadline) {
        this.access = access;
        this.personalData = personalData;
        this.deadline = deadline;
    }

    @WithSession
    public Uni<RegistrationView> view(String registrationId, String authorization) {
        return deadline.bound(access.authorize(registrationId, authorization).map(this::toView));
    }

    /** The registrant's view of a loaded registration; once retention erased it, without the masked fields. */
    public RegistrationView toView(Registration r) {
        PersonalRecord person = r.personalData == null ? null : personalData.open(r.id, r.personalData);
        return new RegistrationView(r.id.toString(), r.shownStatus().name(), r.waveCode, person == null ? null : Nik.mask(person.nik()),
                new RegistrationView.Email(person == null ? null : EmailAddress.mask(person.email()), r.emailVerified,
                        r.emailUndeliverable == null),
                new RegistrationView.Ktp(r.ktpStatus.name(), r.ktpReason == null ? null : r.ktpReason.name()),
                new RegistrationView.NikVerification(r.nikVerification.name(),
                        r.nikReason == null ? null : r.nikReason.name()),
                r.createdAt.truncatedTo(ChronoUnit.SECONDS),
                !r.verdictPublished() ? null : new RegistrationView.Selection(r.selectionStatus.name(), r.selectionRank));
    }
}
