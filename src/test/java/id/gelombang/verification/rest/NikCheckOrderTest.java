package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static id.gelombang.testing.Operator.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.EmailCodes;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.SettableClock;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.verification.persistence.JobQueue;
import id.gelombang.verification.service.JobResult;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The registry's quota goes first to registrants who proved their email, as configured in AWS: a
 * reserve of the whole rest of the day's capacity, unverified registrations 30 minutes old. The
 * application's clock is set, so the day's remaining capacity is what each step needs; the jobs
 * are real rows claimed by the real worker, and the stub registry records the order of the checks.
 */
@QuarkusTest
@TestProfile(NikCheckOrderTest.SettableTime.class)
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(value = DukcapilStub.class, initArgs = @ResourceArg(name = DukcapilStub.QUOTA_SHARE_ARG, value = "verified-first"))
class NikCheckOrderTest {

    public static class SettableTime implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SettableClock.class);
        }
    }

    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    /** The contest's grace as deployed (gelombang.verification.dukcapil.contest-grace). */
    private static final Duration GRACE = Duration.ofMinutes(20);
    /** 10:00 in Jakarta: fourteen hours of the day left, far more capacity than the 1,000 calls of quota. */
    private static final Instant MORNING = LocalDate.of(2031, 3, 4).atTime(10, 0).atZone(JAKARTA).toInstant();

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    OneTimeCodes codes;

    private final WireMockServer registry = DukcapilStub.server();
    private final Map<String, String> niks = new ConcurrentHashMap<>();

    @BeforeEach
    void aFreshGateAndOnlyThisTestsJobs() {
        Jobs.parkAllOpen(db);
        registry.resetAll();
        registry.stubFor(post(DukcapilStub.PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"result\": \"MATCH\"}")));
        db.execute("DELETE FROM outbound_gate WHERE name = 'dukcapil'");
    }

    @AfterEach
    void clockAndGateBackToNormal() {
        SettableClock.setTo(null);
        db.execute("DELETE FROM outbound_gate WHERE name = 'dukcapil'");
    }

    @Test
    void verifiedRegistrantsAreCheckedFirstAndUnverifiedOnesOnlyFromQuotaNoVerifiedCheckCouldUseToday() {
        SettableClock.setTo(MORNING);
        Registered first = register();
        Registered second = register();
        SettableClock.setTo(MORNING.plusSeconds(60));
        Registered thirdVerified = register();
        SettableClock.setTo(MORNING.plusSeconds(90));
        Registered fourthVerified = register();
        SettableClock.setTo(MORNING.plusSeconds(120));
        verifyEmail(fourthVerified);
        verifyEmail(thirdVerified);
        assertThat(priority(thirdVerified)).isEqualTo(10);
        assertThat(priority(first)).isZero();

        // An hour later every registration is old enough, but the day's remaining capacity dwarfs the
        // quota left: only the verified two are checked, ahead of older registrations, and among
        // themselves in the order they registered.
        SettableClock.setTo(MORNING.plus(Duration.ofHours(1)));
        assertThat(funnel()).containsEntry("nikChecksDueEmailVerified", 2).containsEntry("nikChecksDueEmailUnverified", 2);
        drain();
        assertThat(checkedNiks()).containsExactly(nik(thirdVerified), nik(fourthVerified));
        assertThat(nikStatus(thirdVerified)).isEqualTo("VERIFIED");
        assertThat(nikStatus(first)).isEqualTo("PENDING");
        assertThat(Jobs.of(db, first.id(), "NIK_CHECK").getInteger("attempts")).as("never claimed").isZero();
        assertThat(funnel()).containsEntry("nikChecksDueEmailVerified", 0).containsEntry("nikChecksDueEmailUnverified", 2);

        // Ten seconds before the quota resets at midnight in Jakarta, what is left of it would expire
        // unused: the unverified checks run, oldest first, except one registered too recently.
        Instant beforeMidnight = MORNING.atZone(JAKARTA).toLocalDate().plusDays(1).atStartOfDay(JAKARTA).toInstant().minusSeconds(10);
        SettableClock.setTo(beforeMidnight.minus(Duration.ofMinutes(29)));
        Registered tooRecent = register();
        SettableClock.setTo(beforeMidnight);
        drain();
        assertThat(checkedNiks()).containsExactly(nik(thirdVerified), nik(fourthVerified), nik(first), nik(second));
        assertThat(nikStatus(second)).isEqualTo("VERIFIED");
        assertThat(nikStatus(tooRecent)).isEqualTo("PENDING");
        assertThat(funnel()).containsEntry("nikChecksDueEmailVerified", 0).containsEntry("nikChecksDueEmailUnverified", 1);
    }

    @Test
    void aVerifiedCheckIsClaimedBeforeOlderUnverifiedOnes() {
        // Twenty seconds before the reset nothing is reserved any more, so unverified checks may run;
        // still the newest check, of a verified registrant, is taken before two older unverified ones.
        Instant beforeMidnight = MORNING.atZone(JAKARTA).toLocalDate().plusDays(2).atStartOfDay(JAKARTA).toInstant().minusSeconds(20);
        SettableClock.setTo(beforeMidnight.minus(Duration.ofHours(2)));
        Registered earliest = register();
        Registered next = register();
        SettableClock.setTo(beforeMidnight.minusSeconds(5));
        Registered verified = register();
        verifyEmail(verified);
        SettableClock.setTo(beforeMidnight);
        assertThat(worker.claim(JobKind.NIK_CHECK).registrationId()).isEqualTo(UUID.fromString(verified.id()));
        assertThat(worker.claim(JobKind.NIK_CHECK).registrationId()).isEqualTo(UUID.fromString(earliest.id()));
        assertThat(worker.claim(JobKind.NIK_CHECK).registrationId()).isEqualTo(UUID.fromString(next.id()));
        assertThat(worker.claim(JobKind.NIK_CHECK)).isNull();
    }

    @Test
    void onceTodaysQuotaIsUsedUpNothingIsClaimedAndTheRegistryIsNotCalled() {
        Instant day = MORNING.plus(Duration.ofDays(3));
        SettableClock.setTo(day);
        Registered verified = register();
        verifyEmail(verified);
        db.execute("INSERT INTO outbound_gate (name, next_slot, quota_day, used_today) VALUES ('dukcapil', $1, $2, $3)",
                OffsetDateTime.ofInstant(day, ZoneOffset.UTC), LocalDate.ofInstant(day, JAKARTA), DukcapilStub.SHARED_DAILY_QUOTA);
        drain();
        registry.verify(0, postRequestedFor(urlEqualTo(DukcapilStub.PATH)));
        var job = Jobs.of(db, verified.id(), "NIK_CHECK");
        assertThat(job.getString("state")).isEqualTo("PENDING");
        assertThat(job.getInteger("attempts")).isZero();
        // The next day in Jakarta the quota is there again.
        SettableClock.setTo(day.plus(Duration.ofDays(1)));
        drain();
        assertThat(checkedNiks()).containsExactly(nik(verified));
    }

    @Test
    void aContestedNikIsCheckedFirstOnceItsHolderProvedAnAddressAndNotBefore() {
        SettableClock.setTo(MORNING.plus(Duration.ofDays(5)));
        Map<String, Object> squatting = Applicants.valid();
        Registered squatter = Api.registerNew(squatting);
        niks.put(squatter.id(), (String) squatting.get("nik"));
        assertThat(priority(squatter)).as("unverified and a minute old: not checked today before the quota would expire").isZero();

        // The NIK's owner is refused: the squatter's check is raised, but it has no proved address.
        Api.register(UUID.randomUUID().toString(), ownerOf(squatting)).then().statusCode(409);
        assertThat(priority(squatter)).isEqualTo(NikCheckPriority.CONTESTED.value());
        drain();
        assertThat(checkedNiks()).as("no registry call for a holder without a proved address").isEmpty();
        assertThat(Jobs.of(db, squatter.id(), "NIK_CHECK").getString("last_error")).isEqualTo("contested-email-unproven");

        // It proves a throwaway address: its check now goes before a verified registrant's.
        Registered verified = register();
        verifyEmail(verified);
        verifyEmail(squatter);
        drain();
        assertThat(checkedNiks()).containsExactly(nik(squatter), nik(verified));
    }

    @Test
    void aHolderThatNeverProvesItsAddressLosesTheContestedNikAfterTheGraceWithoutARegistryCall() {
        Instant start = MORNING.plus(Duration.ofDays(7));
        SettableClock.setTo(start);
        Map<String, Object> squatting = Applicants.valid();
        Registered squatter = Api.registerNew(squatting);
        EmailCodes.mailed(db, squatter, start);
        long rejectedBefore = Funnel.count(TestWaves.OPEN, "nikRejected");

        Instant contested = start.plus(Duration.ofMinutes(1));
        SettableClock.setTo(contested);
        Map<String, Object> owner = ownerOf(squatting);
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409)
                .body("detail", containsString("not confirmed soon after this answer is released"));
        drain();

        // The grace counts from the contest, the later of it and the code's mailing.
        SettableClock.setTo(contested.plus(GRACE).minusSeconds(1));
        Jobs.makeDue(db, squatter.id());
        drain();
        Api.get(squatter).then().statusCode(200).body("status", equalTo("REGISTERED"))
                .body("nikVerification.status", equalTo("PENDING"));
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409);

        SettableClock.setTo(contested.plus(GRACE));
        drain();
        Api.get(squatter).then().statusCode(200).body("status", equalTo("REJECTED"))
                .body("nikVerification.status", equalTo("REJECTED"))
                .body("nikVerification.reason", equalTo("EMAIL_UNPROVEN_WHEN_CONTESTED"));
        assertThat(checkedNiks()).as("the registry was never asked").isEmpty();
        assertThat(Funnel.count(TestWaves.OPEN, "nikRejected")).isEqualTo(rejectedBefore + 1);
        assertThat(Jobs.of(db, squatter.id(), "OUTCOME_NOTICE").getString("state")).as("its address is told").isEqualTo("PENDING");
        Registered rightful = Api.registerNew(owner);
        Api.get(rightful).then().statusCode(200).body("status", equalTo("REGISTERED"));
    }

    @Test
    void theGraceOfAHolderWhoseFirstCodeIsStillQueuedStartsWhenTheCodeIsMailed() {
        Instant start = MORNING.plus(Duration.ofDays(9));
        SettableClock.setTo(start);
        Registered holder = contest(null).holder();

        // The email queue is long: ten minutes on, the first code has not left it.
        Instant mailed = start.plus(Duration.ofMinutes(10));
        SettableClock.setTo(mailed);
        drain();
        Api.get(holder).then().body("nikVerification.status", equalTo("PENDING"));

        EmailCodes.mailed(db, holder, mailed);
        SettableClock.setTo(mailed.plus(GRACE).minusSeconds(1));
        Jobs.makeDue(db, holder.id());
        drain();
        Api.get(holder).then().body("status", equalTo("REGISTERED")).body("nikVerification.status", equalTo("PENDING"));

        SettableClock.setTo(mailed.plus(GRACE));
        Jobs.makeDue(db, holder.id());
        drain();
        Api.get(holder).then().body("status", equalTo("REJECTED"))
                .body("nikVerification.reason", equalTo("EMAIL_UNPROVEN_WHEN_CONTESTED"));
        assertThat(checkedNiks()).isEmpty();
    }

    @Test
    void onceTodaysQuotaIsUsedUpAContestedHolderWithoutAProvedAddressIsStillReleased() {
        Instant start = MORNING.plus(Duration.ofDays(11));
        SettableClock.setTo(start);
        Contest contest = contest(start);
        Registered squatter = contest.holder();
        db.execute("INSERT INTO outbound_gate (name, next_slot, quota_day, used_today) VALUES ('dukcapil', $1, $2, $3)",
                OffsetDateTime.ofInstant(start, ZoneOffset.UTC), LocalDate.ofInstant(start, JAKARTA), DukcapilStub.SHARED_DAILY_QUOTA);

        SettableClock.setTo(start.plus(GRACE));
        drain();
        Api.get(squatter).then().body("status", equalTo("REJECTED"))
                .body("nikVerification.reason", equalTo("EMAIL_UNPROVEN_WHEN_CONTESTED"));
        registry.verify(0, postRequestedFor(urlEqualTo(DukcapilStub.PATH)));
        Api.registerNew(contest.owner());
    }

    @Test
    void aSquatterThatRegistersTheNikAgainTheMomentItIsReleasedIsHeldToTheGraceAgainWithoutARegistryCall() {
        Instant start = MORNING.plus(Duration.ofDays(13));
        SettableClock.setTo(start);
        Contest contest = contest(start);
        Registered first = contest.holder();
        SettableClock.setTo(start.plus(GRACE));
        drain();
        Api.get(first).then().body("nikVerification.reason", equalTo("EMAIL_UNPROVEN_WHEN_CONTESTED"));

        // At once, with a new key, before the owner comes back: contested from the start.
        Registered again = Api.registerNew(contest.squatting());
        niks.put(again.id(), (String) contest.squatting().get("nik"));
        EmailCodes.mailed(db, again, start.plus(GRACE));
        assertThat(priority(again)).isEqualTo(NikCheckPriority.CONTESTED.value());
        drain();
        Api.get(again).then().body("nikVerification.status", equalTo("PENDING"));
        SettableClock.setTo(start.plus(GRACE).plus(GRACE));
        drain();
        Api.get(again).then().body("status", equalTo("REJECTED")).body("nikVerification.reason", equalTo("EMAIL_UNPROVEN_WHEN_CONTESTED"));
        assertThat(checkedNiks()).as("neither registration cost a registry call").isEmpty();
    }

    @Test
    void aHolderWhoProvesItsAddressWhileItsReleaseIsBeingDecidedIsCheckedByTheRegistryInstead() {
        Instant start = MORNING.plus(Duration.ofDays(15));
        SettableClock.setTo(start);
        Registered holder = contest(start).holder();

        SettableClock.setTo(start.plus(GRACE));
        JobQueue.ClaimedJob job = worker.claim(JobKind.NIK_CHECK);
        assertThat(job.registrationId()).hasToString(holder.id());
        JobResult<Object> release = worker.attempt(job);
        verifyEmail(holder); // commits between the worker's decision and its settlement
        worker.settle(job, release);

        Api.get(holder).then().body("status", equalTo("REGISTERED")).body("nikVerification.status", equalTo("PENDING"));
        drain();
        assertThat(checkedNiks()).containsExactly(nik(holder));
        Api.get(holder).then().body("nikVerification.status", equalTo("VERIFIED"));
    }

    /** A NIK held by a registration that has not proved its address, and its owner refused for it. */
    private record Contest(Registered holder, Map<String, Object> squatting, Map<String, Object> owner) {
    }

    /** Registers a holder whose first code was mailed at {@code codeMailedAt} (null: still queued); its owner is refused. */
    private Contest contest(Instant codeMailedAt) {
        Map<String, Object> squatting = Applicants.valid();
        Registered holder = Api.registerNew(squatting);
        niks.put(holder.id(), (String) squatting.get("nik"));
        if (codeMailedAt != null) {
            EmailCodes.mailed(db, holder, codeMailedAt);
        }
        Map<String, Object> owner = ownerOf(squatting);
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409);
        return new Contest(holder, squatting, owner);
    }

    @Test
    void aHolderWhoProvesItsAddressWhileItsWaitIsBeingDecidedIsCheckedAtOnceNotAfterTheGrace() {
        Instant start = MORNING.plus(Duration.ofDays(17));
        SettableClock.setTo(start);
        Registered holder = contest(start).holder();

        SettableClock.setTo(start.plus(Duration.ofMinutes(1)));
        JobQueue.ClaimedJob job = worker.claim(JobKind.NIK_CHECK);
        assertThat(job.registrationId()).hasToString(holder.id());
        JobResult<Object> wait = worker.attempt(job);
        assertThat(wait).isInstanceOf(JobResult.Deferred.class);
        verifyEmail(holder); // commits between the worker's decision and its settlement
        worker.settle(job, wait);

        drain();
        assertThat(checkedNiks()).as("checked at once, not when the grace would have ended").containsExactly(nik(holder));
        Api.get(holder).then().body("nikVerification.status", equalTo("VERIFIED"));
    }

    /** The NIK's owner: the squatter's NIK and family card, the owner's own name and address. */
    private static Map<String, Object> ownerOf(Map<String, Object> squatting) {
        return Applicants.with(Applicants.with(squatting, "fullName", "Pemilik Asli"),
                "email", "pemilik-" + UUID.randomUUID() + "@example.com");
    }

    private void drain() {
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(60), true);
    }

    private Registered register() {
        Map<String, Object> body = Applicants.valid();
        Registered r = Api.registerNew(body);
        niks.put(r.id(), (String) body.get("nik"));
        return r;
    }

    private String nik(Registered r) {
        return niks.get(r.id());
    }

    /** The registrant types the code the email worker mailed a moment ago. */
    private void verifyEmail(Registered r) {
        EmailCodes.proved(db, codes, r, new SettableClock().instant());
    }

    private int priority(Registered r) {
        return (int) db.count("SELECT priority FROM verification_job WHERE registration_id = $1 AND kind = 'NIK_CHECK'",
                UUID.fromString(r.id()));
    }

    private static String nikStatus(Registered r) {
        return Api.get(r).then().statusCode(200).extract().path("nikVerification.status");
    }

    /** The NIKs the registry was asked about, in the order it was asked. */
    private List<String> checkedNiks() {
        return registry.findAll(postRequestedFor(urlEqualTo(DukcapilStub.PATH))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(request -> JsonPath.from(request.getBodyAsString()).getString("nik")).toList();
    }

    private static Map<String, Object> funnel() {
        return operator().get("/v1/admin/waves/" + TestWaves.OPEN + "/funnel").then().statusCode(200).extract().path("counts");
    }
}
