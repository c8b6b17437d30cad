package id.gelombang.access.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import id.gelombang.access.service.AccessCodes;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.Mailbox.Mail;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;

/**
 * Coming back later (contract v1.2): a registrant without their token asks for a code with their
 * NIK and birth date, gets it by email at the registration's address, and exchanges it for a new
 * token that revokes every earlier one. The email worker is driven here as its schedule drives it.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class AccessCodeApiTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    PersonalDataProtection protection;

    @BeforeEach
    void onlyThisTestsJobsAreDue() {
        Jobs.parkAllOpen(db);
    }

    @Test
    void aRegistrantComesBackWithTheCodeMailedToTheRegistrationsAddress() {
        Map<String, Object> person = person();
        Registered first = Api.registerNew(person);

        Response asked = Access.requestCode(person);
        asked.then().statusCode(202).contentType(ContentType.JSON).header("Cache-Control", "no-store")
                .body("detail", equalTo(AccessCodes.ON_ITS_WAY));
        assertThat(accessMails(person)).as("nothing is mailed inside the request").isEmpty();

        drainEmail();
        List<Mail> mails = accessMails(person);
        assertThat(mails).hasSize(1);
        Mail mail = mails.get(0);
        String nik = (String) person.get("nik");
        String masked = nik.substring(0, 4) + "************" + nik.substring(12);
        assertThat(mail.body()).contains(masked, TestWaves.OPEN, "Kode masuk Anda", "Your Gelombang sign-in code",
                "Sudah mendaftar? Cek status", "Already registered? Check status", "10 menit", "10 minutes");
        assertThat(mail.subject() + mail.body()).as("no full NIK, name, token, id or link with a secret")
                .doesNotContain(nik, (String) person.get("fullName"), first.token(), first.id(), "http");
        String code = Mailbox.latestAccessCode(email(person));
        assertThat(db.count("SELECT count(*) FROM access_code WHERE registration_id = $1 AND position($2::bytea in code_digest) > 0",
                UUID.fromString(first.id()), code.getBytes())).as("the code is not stored in clear").isZero();

        Response opened = Access.open(person, code);
        opened.then().statusCode(200).contentType(ContentType.JSON).header("Cache-Control", "no-store")
                .body("id", equalTo(first.id())).body("waveCode", equalTo(TestWaves.OPEN)).body("status", equalTo("REGISTERED"));
        Registered again = new Registered(first.id(), opened.path("registrationToken"));
        assertThat(again.token()).isNotEqualTo(first.token()).matches("[A-Za-z0-9_-]{43}");

        // The new token works for everything; the earlier one no longer does.
        Api.get(again).then().statusCode(200).body("nikMasked", equalTo(masked));
        Api.get(first).then().statusCode(401).contentType(PROBLEM_JSON).body("type", endsWith("/unauthorized"));
        // A code works once.
        Access.open(person, code).then().statusCode(422).contentType(PROBLEM_JSON).body("type", endsWith("/invalid-access-code"));
        Api.get(again).then().statusCode(200);
    }

    @Test
    void everyRequestGetsTheSameAnswerAndOnlyTheRightBirthDateOfARegisteredNikGetsMail() {
        // Born in 2001: the same NIK also encodes 1901-01-05, a birth date that looks right but is not.
        Map<String, Object> person = Applicants.with(Applicants.valid(LocalDate.of(2001, 1, 5), true), "email", uniqueEmail());
        Api.registerNew(person);
        String nik = (String) person.get("nik");
        // A birth date the test data never registers.
        String unregistered = Applicants.nik(LocalDate.of(1975, 6, 15), true, 1 + (int) (System.nanoTime() % 9_000));
        assertThat(db.count("SELECT count(*) FROM registration WHERE nik_digest = $1",
                Buffer.buffer(protection.lookupDigest("nik", unregistered)))).isZero();

        List<Response> answers = List.of(Access.requestCode(nik, "2001-01-05"), Access.requestCode(nik, "1901-01-05"),
                Access.requestCode(unregistered, "1975-06-15"), Access.requestCode(nik, "2001-01-05"));
        for (Response answer : answers) {
            assertThat(answer.statusCode()).isEqualTo(202);
            assertThat(answer.contentType()).isEqualTo(answers.get(0).contentType());
            assertThat(answer.asString()).isEqualTo(answers.get(0).asString());
        }

        drainEmail();
        // Only the first request issued a code: the NIK's other two came within its minute.
        assertThat(accessMails(person)).hasSize(1);
        String code = Mailbox.latestAccessCode(email(person));
        Response wrongBirthDate = Access.open(nik, "1901-01-05", code);
        Response unknown = Access.open(unregistered, "1975-06-15", code);
        wrongBirthDate.then().statusCode(422).contentType(PROBLEM_JSON).body("type", endsWith("/invalid-access-code"));
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.asString()).isEqualTo(wrongBirthDate.asString());
        Access.open(nik, "2001-01-05", code).then().statusCode(200);
    }

    @Test
    void aCodeAskedForWithTheWrongBirthDateIsNeverMailed() {
        Map<String, Object> person = Applicants.with(Applicants.valid(LocalDate.of(2001, 3, 7), false), "email", uniqueEmail());
        Api.registerNew(person);
        Access.requestCode((String) person.get("nik"), "1901-03-07").then().statusCode(202);
        drainEmail();
        assertThat(accessMails(person)).isEmpty();
        assertThat(db.count("SELECT count(*) FROM access_code WHERE nik_digest = $1 AND sent_at IS NULL",
                Buffer.buffer(protection.lookupDigest("nik", (String) person.get("nik"))))).isEqualTo(1);
    }

    @Test
    void aNikGetsAtMostOneCodeAMinuteAndThreeAnHourAndARepeatedKeyNone() {
        Map<String, Object> person = person();
        Api.registerNew(person);
        byte[] nikDigest = protection.lookupDigest("nik", (String) person.get("nik"));

        Access.requestCode(person).then().statusCode(202);
        Access.requestCode(person).then().statusCode(202); // within the minute: nothing
        assertThat(issued(nikDigest)).isEqualTo(1);
        minutePasses(nikDigest);
        Access.requestCode(person).then().statusCode(202);
        minutePasses(nikDigest);
        String key = UUID.randomUUID().toString();
        requestWithKey(key, person).then().statusCode(202);
        assertThat(issued(nikDigest)).isEqualTo(3);
        minutePasses(nikDigest);
        Access.requestCode(person).then().statusCode(202); // the fourth within the hour: nothing
        assertThat(issued(nikDigest)).isEqualTo(3);

        // An hour later the earliest requests no longer count; the same Idempotency-Key still issues nothing.
        db.execute("UPDATE access_code SET requests = ARRAY(SELECT t - interval '61 minutes' FROM unnest(requests) t), "
                + "requested_at = requested_at - interval '61 minutes' WHERE nik_digest = $1", Buffer.buffer(nikDigest));
        requestWithKey(key, person).then().statusCode(202);
        assertThat(issued(nikDigest)).isZero();
        Access.requestCode(person).then().statusCode(202);
        assertThat(issued(nikDigest)).as("requests counted within the last hour").isEqualTo(1);

        drainEmail();
        assertThat(accessMails(person)).as("only the latest code is mailed: asking again replaced the others").hasSize(1);
        Access.open(person, Mailbox.latestAccessCode(email(person))).then().statusCode(200);
    }

    @Test
    void aCodeDiesAfterFiveWrongTriesAndTenMinutesAfterItWasMailed() {
        Map<String, Object> person = person();
        Api.registerNew(person);
        byte[] nikDigest = protection.lookupDigest("nik", (String) person.get("nik"));
        Access.requestCode(person).then().statusCode(202);
        drainEmail();
        String code = Mailbox.latestAccessCode(email(person));
        for (int i = 0; i < 5; i++) {
            Access.open(person, otherThan(code)).then().statusCode(422).body("type", endsWith("/invalid-access-code"));
        }
        Access.open(person, code).then().statusCode(422);

        minutePasses(nikDigest);
        Access.requestCode(person).then().statusCode(202);
        drainEmail();
        String second = Mailbox.latestAccessCode(email(person));
        db.execute("UPDATE access_code SET sent_at = sent_at - interval '10 minutes 1 second' WHERE nik_digest = $1",
                Buffer.buffer(nikDigest));
        Access.open(person, second).then().statusCode(422);
    }

    @Test
    void theLatestRegistrationThatIsNotWithdrawnGetsTheCodeAndAWithdrawnOneNone() {
        Map<String, Object> person = person();
        Registered earlier = Api.registerNew(person);
        String laterWave = db.createWave(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), 10);
        Map<String, Object> later = Applicants.with(Applicants.with(person, "waveCode", laterWave), "email", uniqueEmail());
        Registered latest = Api.registerNew(later);
        byte[] nikDigest = protection.lookupDigest("nik", (String) person.get("nik"));

        // The code goes to the latest registration's address, across waves, and opens that registration.
        Response opened = comeBack(person, nikDigest, email(later));
        opened.then().body("id", equalTo(latest.id())).body("waveCode", equalTo(laterWave));
        assertThat(accessMails(person)).isEmpty();

        // Once it is withdrawn, the earlier one gets the code; the registry rejected it, and it is still theirs.
        db.execute("UPDATE registration SET status = 'REJECTED', nik_verification = 'REJECTED', released_at = now() WHERE id = $1",
                UUID.fromString(earlier.id()));
        withdraw(latest.id(), opened.path("registrationToken"));
        Response reopened = comeBack(person, nikDigest, email(person));
        reopened.then().body("id", equalTo(earlier.id())).body("status", equalTo("REJECTED"));

        // Once every registration of the NIK is withdrawn, nothing is mailed and nothing is queued.
        withdraw(earlier.id(), reopened.path("registrationToken"));
        minutePasses(nikDigest);
        int mailsBefore = Mailbox.to(email(person)).size() + Mailbox.to(email(later)).size();
        Access.requestCode(person).then().statusCode(202).body("detail", equalTo(AccessCodes.ON_ITS_WAY));
        drainEmail();
        assertThat(Mailbox.to(email(person)).size() + Mailbox.to(email(later)).size()).isEqualTo(mailsBefore);
        assertThat(db.count("SELECT count(*) FROM verification_job WHERE registration_id = ANY($1) AND kind = 'ACCESS_CODE' "
                + "AND state = 'PENDING'", (Object) new UUID[] {UUID.fromString(earlier.id()), UUID.fromString(latest.id())}))
                .isZero();
    }

    @Test
    void badRequestsAreRefusedListingEveryField() {
        given().contentType(ContentType.JSON).body(Map.of("nik", "123", "birthDate", "1990-13-01"))
                .post("/v1/registrations/access-codes").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("type", endsWith("/validation")).body("errors.field", containsInAnyOrder("nik", "birthDate"));
        Map<String, Object> person = Applicants.valid();
        Access.requestCode((String) person.get("nik"), "1990-02-05").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("nik"));
        Access.requestCode((String) person.get("nik"), LocalDate.now().plusYears(1).toString()).then().statusCode(400)
                .body("errors.field", hasItems("birthDate"));
        given().contentType(ContentType.JSON).body(Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate"), "code", "12ab"))
                .post("/v1/registrations/access").then().statusCode(400).body("errors.field", containsInAnyOrder("code"));
        given().contentType(ContentType.JSON).body(Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate"), "extra", 1))
                .post("/v1/registrations/access-codes").then().statusCode(400).contentType(PROBLEM_JSON);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "kunci\u00e9")
                .body(Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate")))
                .post("/v1/registrations/access-codes").then().statusCode(400).body("errors.field", containsInAnyOrder("Idempotency-Key"));
        // An empty key is a malformed key, not a missing one.
        given().contentType(ContentType.JSON).header("Idempotency-Key", "")
                .body(Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate")))
                .post("/v1/registrations/access-codes").then().statusCode(400).body("errors.field", containsInAnyOrder("Idempotency-Key"));
        given().contentType(ContentType.JSON).body("[]").post("/v1/registrations/access").then().statusCode(400);
        assertThat(db.count("SELECT count(*) FROM access_code WHERE nik_digest = $1",
                Buffer.buffer(protection.lookupDigest("nik", (String) person.get("nik"))))).as("nothing written").isZero();
    }

    @Test
    void theOpenApiDocumentDescribesTheWayBack() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/registrations/access-codes'.post.responses.keySet()", hasItems("202", "400", "503"))
                .body("paths.'/v1/registrations/access'.post.responses.keySet()", hasItems("200", "400", "422", "503"))
                .body("paths.'/v1/admin/access-recoveries'.post.responses.keySet()", hasItems("202", "400", "401", "403", "404"))
                .body("components.schemas.AccessGranted.properties.keySet()", hasItems("id", "registrationToken", "waveCode", "status"))
                .body("components.schemas.AccessCodeRequest.required", containsInAnyOrder("nik", "birthDate"))
                .body("components.schemas.WaveDefinition.properties.keySet()", hasItems("notifyNotSelected"));
    }

    /** A minute after any earlier request: asks for a code, lets it be mailed, and opens with it as read at {@code address}. */
    private Response comeBack(Map<String, Object> person, byte[] nikDigest, String address) {
        minutePasses(nikDigest);
        Access.requestCode(person).then().statusCode(202);
        drainEmail();
        Response opened = Access.open(person, Mailbox.latestAccessCode(address));
        opened.then().statusCode(200);
        return opened;
    }

    private static void withdraw(String id, String token) {
        given().header("Authorization", "Bearer " + token).delete("/v1/registrations/" + id).then().statusCode(204);
    }

    private Response requestWithKey(String key, Map<String, Object> person) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate")))
                .post("/v1/registrations/access-codes");
    }

    /** Codes issued to the NIK within the last hour, as its row counts them. */
    private long issued(byte[] nikDigest) {
        return db.count("SELECT count(*) FROM access_code a, unnest(a.requests) t WHERE a.nik_digest = $1 "
                + "AND t > now() - interval '1 hour'", Buffer.buffer(nikDigest));
    }

    /** Moves the NIK's last request a minute and a second into the past. */
    @Test
    void accessCodesStopAtTheirOwnShareOfTheDaysMailWhileEmailCodesStillGo() {
        Map<String, Object> person = person();
        Registered r = Api.registerNew(person);
        Jobs.parkAllOpen(db);
        Access.requestCode(person).then().statusCode(202);
        Map<String, Object> other = person();
        Api.registerNew(other);
        // Access codes have used their 20 % of the day's 100,000 mails (bots with a leaked list, say).
        long used = db.count("SELECT coalesce(max(used_today), 0) FROM outbound_gate WHERE name = 'email-access-codes'");
        db.execute("""
                INSERT INTO outbound_gate (name, next_slot, quota_day, used_today)
                VALUES ('email-access-codes', now(), (now() AT TIME ZONE 'Asia/Jakarta')::date, 20000)
                ON CONFLICT (name) DO UPDATE SET used_today = 20000, quota_day = excluded.quota_day""");
        try {
            drainEmail();
            worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
        } finally {
            db.execute("UPDATE outbound_gate SET used_today = $1 WHERE name = 'email-access-codes'", (int) used);
        }
        assertThat(accessMails(person)).as("the access code waits for tomorrow's share").isEmpty();
        assertThat(Jobs.of(db, r.id(), "ACCESS_CODE").getString("state")).isEqualTo("PENDING");
        assertThat(Jobs.of(db, r.id(), "ACCESS_CODE").getString("last_error")).isEqualTo("email-daily-quota");
        assertThat(Mailbox.to(email(other))).as("a new registrant's email code goes all the same").hasSize(1);
    }

    private void minutePasses(byte[] nikDigest) {
        db.execute("UPDATE access_code SET requested_at = requested_at - interval '61 seconds', "
                + "requests = ARRAY(SELECT t - interval '61 seconds' FROM unnest(requests) t) WHERE nik_digest = $1",
                Buffer.buffer(nikDigest));
    }

    private void drainEmail() {
        worker.drain(JobKind.ACCESS_CODE, Duration.ofSeconds(60), true);
    }

    private static List<Mail> accessMails(Map<String, Object> person) {
        return Mailbox.to(email(person), Mailbox.ACCESS_CODE_SUBJECT);
    }

    private static Map<String, Object> person() {
        return Applicants.with(Applicants.valid(), "email", uniqueEmail());
    }

    private static String email(Map<String, Object> person) {
        return (String) person.get("email");
    }

    private static String uniqueEmail() {
        return "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@example.com";
    }

    private static String otherThan(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }
}
