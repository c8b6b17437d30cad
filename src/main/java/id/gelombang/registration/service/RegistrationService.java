package id.gelombang.registration.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.Digests;
import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.Applicant;
import id.gelombang.registration.domain.ApplicantRules;
import id.gelombang.registration.domain.FieldErrors;
import id.gelombang.registration.persistence.IdempotencyRecord;
import id.gelombang.registration.persistence.RegistrationStore;
import id.gelombang.registration.persistence.RegistrationStore.Claim;
import id.gelombang.registration.persistence.RegistrationStore.NewRegistration;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.WaveStatus;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Accepts registrations exactly once per Idempotency-Key and once per NIK and wave. Everything a
 * request changes (the registration, its place in the quota, the stored reply) commits in one
 * transaction, so a retry after any failure either replays the stored reply or starts afresh.
 */
@ApplicationScoped
public class RegistrationService {

    /** Eligibility dates are calendar dates in Indonesia's capital. */
    static final ZoneId PROGRAMME_ZONE = ZoneId.of("Asia/Jakarta");
    static final String RETRY_AFTER_IN_FLIGHT = "1";

    private final RegistrationStore store;
    private final PersonalDataProtection protection;
    private final PersonalDataCodec personalData;
    private final OneTimeCodes codes;
    private final ObjectMapper mapper;
    private final Deadline deadline;
    private final Clock clock;

    public RegistrationService(RegistrationStore store, PersonalDataProtection protection,
            PersonalDataCodec personalData, OneTimeCodes codes, ObjectMapper mapper, Deadline deadline, Clock clock) {
        this.store = store;
        this.protection = protection;
        this.personalData = personalData;
        this.codes = codes;
        this.mapper = mapper;
        this.deadline = deadline;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<StoredReply> register(String idempotencyKey, RegistrationCommand command) {
        byte[] keyDigest = Digests.sha256(idempotencyKey);
        String keyId = HexFormat.of().formatHex(keyDigest);
        byte[] requestDigest = protection.lookupDigest("registration-request", canonical(command));
        return deadline.bound(store.tryLockIdempotencyKey(keyDigest)
                .invoke(locked -> {
                    if (!locked) {
                        throw new ProblemException(
                                ProblemType.REQUEST_IN_FLIGHT.problem("Wait for the first request to finish, then retry."),
                                Map.of("Retry-After", RETRY_AFTER_IN_FLIGHT));
                    }
                })
                .chain(() -> IdempotencyRecord.<IdempotencyRecord>findById(keyId))
                .chain(previous -> previous != null
                        ? Uni.createFrom().item(replay(previous, requestDigest))
                        : registerNew(command).call(reply -> remember(keyId, requestDigest, reply))));
    }

    private Uni<StoredReply> registerNew(RegistrationCommand command) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return findWave(command.waveCode(), now).chain(wave -> {
            FieldErrors errors = new FieldErrors();
            if (wave == null && command.waveCode() != null) {
                errors.add("waveCode", "no such wave");
            }
            LocalDate opensOn = wave == null ? null : LocalDate.ofInstant(wave.opensAt, PROGRAMME_ZONE);
            Applicant applicant = ApplicantRules.check(command.submission(), opensOn, errors);
            if (!errors.isEmpty()) {
                throw new ProblemException(
                        ProblemType.VALIDATION.problem("The registration has invalid fields.", errors.list()));
            }
            if (wave == null || wave.statusAt(now) != WaveStatus.OPEN) {
                return Uni.createFrom().item(problemReply(ProblemType.WAVE_CLOSED, wave == null
                        ? "No wave is open for registration now."
                        : "This wave is not open for registration now."));
            }
            return insert(applicant, wave, now);
        });
    }

    private Uni<StoredReply> insert(Applicant applicant, Wave wave, Instant now) {
        UUID id = UUID.randomUUID();
        String token = RegistrationToken.generate();
        NewRegistration row = new NewRegistration(id, wave.id, wave.code, wave.householdLimit,
                protection.lookupDigest("nik", applicant.nik().digits()),
                protection.lookupDigest("kk", applicant.kkNumber().digits()),
                personalData.seal(id, PersonalRecord.of(applicant)),
                RegistrationToken.digest(token),
                codes.digest(id, codes.code(id, 1)),
                now);
        return store.insertAndClaimPlace(row).map(claim -> switch (claim) {
            case ACCEPTED -> new StoredReply(201, "/v1/registrations/" + id,
                    json(new RegistrationCreated(id.toString(), "REGISTERED", wave.code, token,
                            now.truncatedTo(ChronoUnit.SECONDS))),
                    false, id);
            case DUPLICATE -> problemReply(ProblemType.DUPLICATE_REGISTRATION,
                    "This NIK is already registered in this wave. A registration whose details do not match the"
                    + " civil registry is released after its NIK check; the NIK's owner can then register.");
            case HOUSEHOLD_LIMIT -> problemReply(ProblemType.HOUSEHOLD_LIMIT,
                    "This family card already has " + wave.householdLimit + " registrations in this wave, the most it allows.");
            case FULL -> problemReply(ProblemType.WAVE_FULL,
                    "Every place in this wave is taken. Registrants may join a later wave.");
            case CLOSED -> problemReply(ProblemType.WAVE_CLOSED, "This wave is not open for registration now.");
        });
    }

    private static Uni<Wave> findWave(String code, Instant now) {
        if (code != null) {
            return Wave.findByCode(code);
        }
        return Wave.currentOrNext(now).map(wave -> wave != null && wave.statusAt(now) == WaveStatus.OPEN ? wave : null);
    }

    private StoredReply replay(IdempotencyRecord previous, byte[] requestDigest) {
        // A withdrawal erased the request's fingerprint with the reply: whatever the body, the answer is 410.
        if (previous.requestDigest != null && !MessageDigest.isEqual(previous.requestDigest, requestDigest)) {
            throw ProblemType.IDEMPOTENCY_KEY_REUSED.exception(
                    "This Idempotency-Key was used for a different registration. Use a new key for a new request.");
        }
        byte[] body = protection.decrypt(previous.responseBody, "idempotency:" + previous.keyDigest);
        return new StoredReply(previous.responseStatus, previous.location, new String(body, StandardCharsets.UTF_8), true,
                previous.registrationId);
    }

    private Uni<Void> remember(String keyId, byte[] requestDigest, StoredReply reply) {
        IdempotencyRecord record = new IdempotencyRecord();
        record.keyDigest = keyId;
        record.requestDigest = requestDigest;
        record.responseStatus = reply.status();
        record.location = reply.location();
        record.registrationId = reply.registrationId(); // so that a withdrawal can erase this reply
        record.responseBody = protection.encrypt(reply.body().getBytes(StandardCharsets.UTF_8), "idempotency:" + keyId);
        record.createdAt = clock.instant();
        return record.persist().replaceWithVoid();
    }

    private StoredReply problemReply(ProblemType type, String detail) {
        Problem problem = type.problem(detail);
        return new StoredReply(problem.status(), null, json(problem), false, null);
    }

    private String canonical(RegistrationCommand command) {
        return json(command);
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
