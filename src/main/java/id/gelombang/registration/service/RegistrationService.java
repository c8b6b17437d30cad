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
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.crypto.Digests;
import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.Problem;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.Applicant;
import id.gelombang.registration.domain.ApplicantRules;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.persistence.RegistrationStore;
import id.gelombang.registration.persistence.RegistrationStore.Attempt;
import id.gelombang.registration.persistence.RegistrationStore.EncryptedReply;
import id.gelombang.registration.persistence.RegistrationStore.ExpectedWave;
import id.gelombang.registration.persistence.RegistrationStore.Limits;
import id.gelombang.registration.persistence.RegistrationStore.NewRegistration;
import id.gelombang.registration.persistence.RegistrationStore.Outcome;
import id.gelombang.registration.persistence.RegistrationStore.Result;
import id.gelombang.registration.persistence.RegistrationStore.WaveFacts;
import id.gelombang.wave.WaveStatus;
import io.smallrye.mutiny.Uni;

/**
 * Accepts registrations exactly once per Idempotency-Key and once per NIK and wave. Everything a
 * request changes (the registration, its places, its jobs, the stored reply) is one statement in
 * one implicit transaction ({@link RegistrationStore#register}), so a retry after any failure either
 * replays the stored reply or starts afresh. Everything that is a rule (validation, digests,
 * encryption, the replies) happens here first, against this instance's copy of the waves, which the
 * statement checks.
 */
@ApplicationScoped
public class RegistrationService {

    /** Eligibility dates are calendar dates in Indonesia's capital. */
    static final ZoneId PROGRAMME_ZONE = ZoneId.of("Asia/Jakarta");
    static final String RETRY_AFTER_IN_FLIGHT = "1";
    /** Purpose of the keyed digest the per-source limit counts under (PersonalDataProtection.lookupDigest). */
    public static final String SOURCE_PURPOSE = "request-source";

    private final RegistrationStore store;
    private final KnownWaves waves;
    private final PersonalDataProtection protection;
    private final PersonalDataCodec personalData;
    private final OneTimeCodes codes;
    private final ObjectMapper mapper;
    private final Deadline deadline;
    private final RegistrationLimits limits;
    private final EmailUses emailUses;
    private final Clock clock;

    public RegistrationService(RegistrationStore store, KnownWaves waves, PersonalDataProtection protection,
            PersonalDataCodec personalData, OneTimeCodes codes, ObjectMapper mapper, Deadline deadline,
            RegistrationLimits limits, EmailUses emailUses, Clock clock) {
        this.store = store;
        this.waves = waves;
        this.protection = protection;
        this.personalData = personalData;
        this.codes = codes;
        this.mapper = mapper;
        this.deadline = deadline;
        this.limits = limits;
        this.emailUses = emailUses;
        this.clock = clock;
    }

    /** A registration without a source to count (a direct invocation, a test of the service). */
    public Uni<StoredReply> register(String idempotencyKey, RegistrationCommand command) {
        return register(idempotencyKey, command, Optional.empty());
    }

    /**
     * A registration from {@code source} (a {@code SourceAddress} key: only its keyed digest leaves
     * this method), whose attempts per minute the statement counts.
     */
    public Uni<StoredReply> register(String idempotencyKey, RegistrationCommand command, Optional<String> source) {
        String keyId = HexFormat.of().formatHex(Digests.sha256(idempotencyKey));
        byte[] requestDigest = protection.lookupDigest("registration-request", canonical(command));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        byte[] sourceDigest = limits.perSourcePerMinute() > 0 ? source.map(key -> protection.lookupDigest(SOURCE_PURPOSE, key))
                .orElse(null) : null;
        return deadline.bound(attempt(keyId, requestDigest, command, now, sourceDigest, false));
    }

    /** One call of the statement; after a STALE answer, which brings the waves as they are, one more. */
    private Uni<StoredReply> attempt(String keyId, byte[] requestDigest, RegistrationCommand command, Instant now,
            byte[] sourceDigest, boolean retried) {
        Optional<WaveFacts> wave = command.waveCode() != null ? waves.byCode(command.waveCode()) : waves.openAt(now);
        FieldErrors errors = new FieldErrors();
        if (wave.isEmpty() && command.waveCode() != null) {
            errors.add("waveCode", "no such wave");
        }
        LocalDate opensOn = wave.map(w -> LocalDate.ofInstant(w.opensAt(), PROGRAMME_ZONE)).orElse(null);
        Applicant applicant = ApplicantRules.check(command.submission(), opensOn, errors);
        ExpectedWave expected = new ExpectedWave(command.waveCode(), wave.orElse(null));
        if (!errors.isEmpty()) {
            // Still one call: a stored reply for the key (or the key in flight) comes before the 400.
            Attempt invalid = new Attempt(keyId, requestDigest, now, expected, null, Map.of(), Limits.NONE);
            return store.register(invalid).chain(result -> answer(result, keyId, requestDigest, command, now, sourceDigest, retried,
                    Map.of(), () -> new ProblemException(
                            ProblemType.VALIDATION.problem("The registration has invalid fields.", errors.list()))));
        }
        UUID id = UUID.randomUUID();
        String token = RegistrationToken.generate();
        Map<Outcome, StoredReply> replies = replies(id, token, wave, now);
        Map<Outcome, EncryptedReply> encrypted = new EnumMap<>(Outcome.class);
        replies.forEach((outcome, reply) -> encrypted.put(outcome, new EncryptedReply(reply.status(),
                protection.encrypt(reply.body().getBytes(StandardCharsets.UTF_8), "idempotency:" + keyId))));
        NewRegistration registration = new NewRegistration(id,
                protection.lookupDigest("nik", applicant.nik().digits()),
                protection.lookupDigest("kk", applicant.kkNumber().digits()),
                personalData.seal(id, PersonalRecord.of(applicant)),
                RegistrationToken.digest(token),
                codes.digest(id, codes.code(id, 1)),
                location(id));
        Limits attemptLimits = new Limits(
                emailUses.digest(applicant.email()),
                limits.perEmailPerWave(), sourceDigest, now.truncatedTo(ChronoUnit.MINUTES), limits.perSourcePerMinute());
        return store.register(new Attempt(keyId, requestDigest, now, expected, registration, encrypted, attemptLimits))
                .chain(result -> answer(result, keyId, requestDigest, command, now, sourceDigest, retried, replies,
                        () -> new IllegalStateException("A valid registration was answered INVALID")));
    }

    private Uni<StoredReply> answer(Result result, String keyId, byte[] requestDigest, RegistrationCommand command,
            Instant now, byte[] sourceDigest, boolean retried, Map<Outcome, StoredReply> replies,
            Supplier<RuntimeException> invalid) {
        return switch (result.outcome()) {
            case IN_FLIGHT -> throw new ProblemException(
                    ProblemType.REQUEST_IN_FLIGHT.problem("Wait for the first request to finish, then retry."),
                    Map.of("Retry-After", RETRY_AFTER_IN_FLIGHT));
            case RATE_LIMITED -> throw new ProblemException(ProblemType.RATE_LIMITED.problem(
                    "Many registrations came from your network address in the last minute. Try again after Retry-After"
                            + " seconds with the same Idempotency-Key: nothing was registered with it yet."),
                    Map.of("Retry-After", secondsToNextMinute(now)));
            case STORED -> Uni.createFrom().item(replay(keyId, result, requestDigest));
            case STALE -> {
                if (retried) {
                    // The waves changed again within one request: an operator is at work; retry shortly.
                    throw new ProblemException(ProblemType.UNAVAILABLE.problem("The wave is being changed. Retry shortly."),
                            Map.of("Retry-After", RETRY_AFTER_IN_FLIGHT));
                }
                waves.replace(result.waves());
                yield attempt(keyId, requestDigest, command, now, sourceDigest, true);
            }
            case INVALID -> throw invalid.get();
            default -> Uni.createFrom().item(replies.get(result.outcome()));
        };
    }

    /** The reply of each outcome the wave leaves possible; the statement stores the one that applies. */
    private Map<Outcome, StoredReply> replies(UUID id, String token, Optional<WaveFacts> wave, Instant now) {
        Map<Outcome, StoredReply> replies = new EnumMap<>(Outcome.class);
        if (wave.isPresent() && wave.get().statusAt(now) == WaveStatus.OPEN) {
            WaveFacts open = wave.get();
            replies.put(Outcome.ACCEPTED, new StoredReply(201, location(id), json(new RegistrationCreated(id.toString(),
                    RegistrationStatus.REGISTERED.name(), open.code(), token, now.truncatedTo(ChronoUnit.SECONDS))), false, id));
            replies.put(Outcome.DUPLICATE, problemReply(ProblemType.DUPLICATE_REGISTRATION.problem(
                    "This NIK is already registered in this wave. A registration whose details do not match the"
                    + " civil registry is released after its NIK check, and one whose email address is not confirmed"
                    + " soon after this answer is released without one; the NIK's owner can then register.")));
            replies.put(Outcome.HOUSEHOLD_LIMIT, problemReply(ProblemType.HOUSEHOLD_LIMIT.problem("This family card already has "
                    + open.householdLimit() + " registrations in this wave, the most it allows.")));
            if (limits.perEmailPerWave() > 0) {
                replies.put(Outcome.EMAIL_LIMIT, problemReply(ProblemType.EMAIL_LIMIT.problem("This email address is already used by "
                        + limits.perEmailPerWave() + " registrations in this wave, the most it allows. Register with your own"
                        + " address; a registration that is withdrawn or rejected gives its use back.")));
            }
            if (!open.draw()) {
                replies.put(Outcome.FULL, problemReply(ProblemType.WAVE_FULL.problem(
                        "Every place in this wave is taken. Registrants may join a later wave.")));
            }
        }
        // A wave open here may have closed by the time the statement runs: CLOSED is always possible.
        replies.put(Outcome.CLOSED, problemReply(ProblemType.WAVE_CLOSED.problem(wave.isEmpty()
                ? "No wave is open for registration now."
                : "This wave is not open for registration now.")));
        return replies;
    }

    /** Whole seconds until the next minute starts (at least 1): when the source's count starts again. */
    static String secondsToNextMinute(Instant now) {
        Instant next = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        return Long.toString(Math.max(1, (java.time.Duration.between(now, next).toMillis() + 999) / 1000));
    }

    private static String location(UUID id) {
        return "/v1/registrations/" + id;
    }

    private StoredReply replay(String keyId, Result stored, byte[] requestDigest) {
        // A withdrawal erased the request's fingerprint with the reply: whatever the body, the answer is 410.
        if (stored.requestDigest() != null && !MessageDigest.isEqual(stored.requestDigest(), requestDigest)) {
            throw ProblemType.IDEMPOTENCY_KEY_REUSED.exception(
                    "This Idempotency-Key was used for a different registration. Use a new key for a new request.");
        }
        byte[] body = protection.decrypt(stored.body(), "idempotency:" + keyId);
        return new StoredReply(stored.status(), stored.location(), new String(body, StandardCharsets.UTF_8), true,
                stored.registrationId());
    }

    private StoredReply problemReply(Problem problem) {
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
