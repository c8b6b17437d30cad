package id.gelombang.verification.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Email verification as the registrant lives it: the code arrives by mail (the in-memory mailbox,
 * or LocalStack's SES), works once within ten minutes, five wrong codes lock, and new codes come
 * at most once a minute. The email worker is driven here as its schedule drives it in AWS.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class EmailVerificationTest {

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
    }

    @Test
    void theMailedCodeVerifiesTheEmailOnceAndTheFunnelCountsIt() {
        long verifiedBefore = Funnel.count(TestWaves.OPEN, "emailVerified");
        String email = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", email));
        assertThat(Mailbox.to(email)).as("nothing is mailed inside the registration request").isEmpty();

        drainEmail();
        String code = Mailbox.latestCode(email);
        assertThat(Jobs.of(db, r.id(), "EMAIL_CODE").getString("state")).isEqualTo("DONE");

        verify(r, wrongCodeThan(code)).then().statusCode(422).contentType("application/problem+json")
                .body("type", endsWith("/email-code-invalid"));
        verify(r, code).then().statusCode(200).body("email.verified", equalTo(true))
                .body("email.address", equalTo("v***@example.com"));
        Api.get(r).then().body("email.verified", equalTo(true));
        verify(r, code).then().statusCode(422); // a code works once
        assertThat(Funnel.count(TestWaves.OPEN, "emailVerified")).isEqualTo(verifiedBefore + 1);
        assertThat(db.count("SELECT count(*) FROM email_code WHERE registration_id = $1 AND position($2::bytea in code_digest) > 0",
                UUID.fromString(r.id()), code.getBytes())).as("the code is not stored in clear").isZero();
    }

    @Test
    void fiveWrongCodesLockVerificationEvenForTheRightCode() {
        Mailed mailed = registeredAndMailed();
        Registered r = mailed.registration();
        String code = mailed.code();
        for (int i = 1; i <= 5; i++) {
            verify(r, wrongCodeThan(code)).then().statusCode(422);
        }
        Response locked = verify(r, code);
        locked.then().statusCode(429).contentType("application/problem+json").body("type", endsWith("/too-many-attempts"));
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 15 * 60L);
        Api.get(r).then().body("email.verified", equalTo(false));
    }

    @Test
    void aCodeExpiresTenMinutesAfterItWasMailed() {
        Mailed mailed = registeredAndMailed();
        Registered r = mailed.registration();
        String code = mailed.code();
        db.execute("UPDATE email_code SET sent_at = now() - interval '11 minutes' WHERE registration_id = $1",
                UUID.fromString(r.id()));
        verify(r, code).then().statusCode(422);
        Api.get(r).then().body("email.verified", equalTo(false));
    }

    @Test
    void resendIsRateLimitedAndReplacesTheCode() {
        Mailed mailed = registeredAndMailed();
        Registered r = mailed.registration();
        String email = mailed.email();
        String first = mailed.code();

        Response tooSoon = resend(r);
        tooSoon.then().statusCode(429).body("type", endsWith("/too-many-requests"));
        assertThat(Long.parseLong(tooSoon.header("Retry-After"))).isBetween(1L, 60L);

        db.execute("UPDATE email_code SET requested_at = now() - interval '61 seconds' WHERE registration_id = $1",
                UUID.fromString(r.id()));
        resend(r).then().statusCode(202);
        resend(r).then().statusCode(429); // once a minute
        drainEmail();
        List<Mailbox.Mail> mails = Mailbox.to(email);
        assertThat(mails).hasSize(2);
        String second = Mailbox.latestCode(email);

        verify(r, first).then().statusCode(422); // the replaced code
        verify(r, second).then().statusCode(200).body("email.verified", equalTo(true));
        resend(r).then().statusCode(409).body("type", endsWith("/email-already-verified"));
    }

    @Test
    void aRegistrationWithoutACodeRecordGetsOneOnResend() {
        String email = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", email));
        // As for a registration stored before email codes existed.
        db.execute("DELETE FROM email_code WHERE registration_id = $1", UUID.fromString(r.id()));
        verify(r, "123456").then().statusCode(422);
        resend(r).then().statusCode(202);
        drainEmail();
        verify(r, Mailbox.latestCode(email)).then().statusCode(200).body("email.verified", equalTo(true));
    }

    @Test
    void refusesBadInputAndStrangersWithoutCountingAnAttempt() {
        String email = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", email));
        verify(r, "12ab").then().statusCode(400).body("errors[0].field", equalTo("code"));
        given().contentType(ContentType.JSON).body(Map.of("code", "123456"))
                .post("/v1/registrations/" + r.id() + "/email/verify").then().statusCode(401);
        Registered other = Api.registerNew();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + other.token()).body(Map.of("code", "123456"))
                .post("/v1/registrations/" + r.id() + "/email/verify").then().statusCode(404);
        assertThat(db.count("SELECT failed_attempts FROM email_code WHERE registration_id = $1", UUID.fromString(r.id())))
                .isZero();
    }

    @Test
    void mailGoesOutNoFasterThanTheConfiguredRate() {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String email = uniqueEmail();
            emails.add(email);
            Api.registerNew(Applicants.with(Applicants.valid(), "email", email));
        }
        Instant start = Instant.now();
        drainEmail();
        Duration took = Duration.between(start, Instant.now());

        List<Instant> sent = emails.stream().flatMap(e -> Mailbox.to(e).stream()).map(Mailbox.Mail::at).sorted().toList();
        assertThat(sent).hasSize(10);
        assertThat(RateWindows.maxPerSecond(sent)).as("mails in any one second")
                .isLessThanOrEqualTo(DukcapilStub.EMAIL_RATE_PER_SECOND);
        // 10 mails at 4/s (paced at 90 %) need at least 9 gaps of 278 ms.
        assertThat(took).isGreaterThan(Duration.ofMillis(2_400));
    }

    /** A registrant whose code has been mailed. */
    private record Mailed(Registered registration, String email, String code) {
    }

    private Mailed registeredAndMailed() {
        String email = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", email));
        drainEmail();
        return new Mailed(r, email, Mailbox.latestCode(email));
    }

    private void drainEmail() {
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
    }

    private static Response verify(Registered r, String code) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token())
                .body(Map.of("code", code)).post("/v1/registrations/" + r.id() + "/email/verify");
    }

    private static Response resend(Registered r) {
        return given().header("Authorization", "Bearer " + r.token()).post("/v1/registrations/" + r.id() + "/email/resend");
    }

    private static String uniqueEmail() {
        return "v" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@example.com";
    }

    private static String wrongCodeThan(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }
}
