package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.SettableClock;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.domain.NikCheckPriority;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
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
    void aNikSomeoneElseIsRefusedForIsCheckedFirstWhateverItsEmailAndItsAge() {
        SettableClock.setTo(MORNING.plus(Duration.ofDays(5)));
        Registered verified = register();
        verifyEmail(verified);
        Map<String, Object> squatting = Applicants.valid();
        Registered squatter = Api.registerNew(squatting);
        niks.put(squatter.id(), (String) squatting.get("nik"));
        assertThat(priority(squatter)).as("unverified and a minute old: not checked today before the quota would expire").isZero();

        // The NIK's owner is refused: the squatter's check goes first, before the verified one.
        Map<String, Object> owner = Applicants.with(Applicants.with(squatting, "fullName", "Pemilik Asli"),
                "email", "pemilik-" + UUID.randomUUID() + "@example.com");
        Api.register(UUID.randomUUID().toString(), owner).then().statusCode(409);
        assertThat(priority(squatter)).isEqualTo(NikCheckPriority.CONTESTED.value());
        drain();
        assertThat(checkedNiks()).containsExactly(nik(squatter), nik(verified));
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
        UUID id = UUID.fromString(r.id());
        db.execute("UPDATE email_code SET sent_at = $2 WHERE registration_id = $1", id,
                OffsetDateTime.ofInstant(new SettableClock().instant(), ZoneOffset.UTC));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token())
                .body(Map.of("code", codes.code(id, 1))).post("/v1/registrations/" + r.id() + "/email/verify")
                .then().statusCode(200);
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
