package id.gelombang.access.rest;

import static id.gelombang.testing.Operator.operator;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import id.gelombang.testing.Access;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;
import id.gelombang.testing.TestWaves;
import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.EmailFeedback;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Support's action for a registrant who lost access to their mailbox (runbook): after checking
 * their identity outside the system, an operator gives the registration a new address; the
 * access code goes there at once and an email code to verify it; nothing reaches the old one, and
 * the audit trail names the registration and the ticket, never the address or the NIK.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(DukcapilStub.class)
class AccessRecoveryTest {

    private static final String RECOVERIES = "/v1/admin/access-recoveries";

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
    void aRegistrantWhoLostTheirMailboxGetsTheCodeAtTheNewAddress() {
        String lost = uniqueEmail();
        Map<String, Object> person = Applicants.with(Applicants.valid(), "email", lost);
        Registered r = Api.registerNew(person);
        drainEmail();
        verifyEmail(r, Mailbox.latestCode(lost)).then().statusCode(200);
        String oldCode = Mailbox.latestCode(lost);
        long verified = Funnel.count(TestWaves.OPEN, "emailVerified");
        // They asked for a code a moment ago (it went to the lost mailbox): support's code goes all the same.
        Access.requestCode(person).then().statusCode(202);
        drainEmail();
        int mailsToTheLostAddress = Mailbox.to(lost).size();

        String fresh = uniqueEmail();
        operator().body(recovery(person, fresh, "SUP-2026-0042")).post(RECOVERIES).then().statusCode(202)
                .contentType(ContentType.JSON).body("registrationId", equalTo(r.id())).body("waveCode", equalTo(TestWaves.OPEN))
                .body("status", equalTo("REGISTERED")).body("email", equalTo(fresh.charAt(0) + "***@example.com"));
        Api.get(r).then().statusCode(200).body("email.address", equalTo(fresh.charAt(0) + "***@example.com"))
                .body("email.verified", equalTo(false));
        assertThat(Funnel.count(TestWaves.OPEN, "emailVerified")).as("the new address is not verified yet").isEqualTo(verified - 1);

        drainEmail();
        assertThat(Mailbox.to(lost)).as("nothing more to the lost address").hasSize(mailsToTheLostAddress);
        Response opened = Access.open(person, Mailbox.latestAccessCode(fresh));
        opened.then().statusCode(200).body("id", equalTo(r.id()));
        Registered back = new Registered(r.id(), opened.path("registrationToken"));
        verifyEmail(back, oldCode).then().statusCode(422);
        String newEmailCode = Mailbox.to(fresh).stream().filter(m -> m.subject().startsWith("Kode verifikasi"))
                .map(m -> m.subject().replaceAll("\\D", "")).findFirst().orElseThrow();
        verifyEmail(back, newEmailCode).then().statusCode(200).body("email.verified", equalTo(true));
        assertThat(Funnel.count(TestWaves.OPEN, "emailVerified")).isEqualTo(verified);

        Map<String, Object> entry = operator().get("/v1/admin/audit?waveCode=" + TestWaves.OPEN + "&limit=1").then().statusCode(200)
                .body("[0].action", equalTo("RECOVER_ACCESS")).body("[0].actor", equalTo("operator-key"))
                .body("[0].details.registrationId", equalTo(r.id())).body("[0].details.ticket", equalTo("SUP-2026-0042"))
                .extract().path("[0]");
        assertThat(entry.toString()).doesNotContain(lost, fresh, (String) person.get("nik"));
    }

    @Test
    void refusesStrangersBadFieldsAndPeopleWithoutARegistration() {
        Map<String, Object> person = Applicants.with(Applicants.valid(LocalDate.of(2001, 4, 9), true), "email", uniqueEmail());
        Registered r = Api.registerNew(person);
        long audited = db.count("SELECT count(*) FROM operator_audit WHERE action = 'RECOVER_ACCESS'");

        given().contentType(ContentType.JSON).body(recovery(person, uniqueEmail(), "SUP-1")).post(RECOVERIES).then()
                .statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("X-Operator-Key", "wrong").body(recovery(person, uniqueEmail(), "SUP-1"))
                .post(RECOVERIES).then().statusCode(403);
        Map<String, Object> bad = new HashMap<>(Map.of("nik", "123", "birthDate", "2001-02-30", "email", "not an address",
                "ticket", "siti@example.com 3171234501900001"));
        operator().body(bad).post(RECOVERIES).then().statusCode(400).body("type", endsWith("/validation"))
                .body("errors.field", containsInAnyOrder("nik", "birthDate", "email", "ticket"));
        operator().body(recovery(person, uniqueEmail(), "NIK-3171234501900001")).post(RECOVERIES).then().statusCode(400)
                .body("errors.field", containsInAnyOrder("ticket"));
        // A ticket is text as sent: false or 42 is not read as "false" or "42" (which the ticket rule would take).
        for (Object notText : java.util.List.of(false, 42, 4.2)) {
            Map<String, Object> typed = new HashMap<>(recovery(person, uniqueEmail(), "SUP-1"));
            typed.put("ticket", notText);
            operator().body(typed).post(RECOVERIES).then().statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/validation")).body("errors.field", containsInAnyOrder("ticket"));
        }
        // The NIK also encodes 1901-04-09, which is not this registrant's birth date.
        operator().body(Map.of("nik", person.get("nik"), "birthDate", "1901-04-09", "email", uniqueEmail(), "ticket", "SUP-2"))
                .post(RECOVERIES).then().statusCode(404).body("type", endsWith("/not-found"));
        String stranger = Applicants.nik(LocalDate.of(1977, 8, 17), false, 4242);
        operator().body(Map.of("nik", stranger, "birthDate", "1977-08-17", "email", uniqueEmail(), "ticket", "SUP-3"))
                .post(RECOVERIES).then().statusCode(404);
        given().header("Authorization", "Bearer " + r.token()).delete("/v1/registrations/" + r.id()).then().statusCode(204);
        operator().body(recovery(person, uniqueEmail(), "SUP-4")).post(RECOVERIES).then().statusCode(404);

        assertThat(db.count("SELECT count(*) FROM operator_audit WHERE action = 'RECOVER_ACCESS'")).isEqualTo(audited);
    }

    @Test
    void anAddressThatBouncedGetsNoAccessCodeUntilSupportGivesANewOneWhoseBouncesAreFoundAgain() {
        String dead = uniqueEmail();
        Map<String, Object> person = Applicants.with(Applicants.valid(), "email", dead);
        Registered r = Api.registerNew(person);
        drainEmail();
        SqsEvents.invoke(EmailFeedback.class, List.of(new Message(SqsEvents.sesBounce(dead, "Permanent"))));
        Api.get(r).then().body("email.deliverable", equalTo(false));
        long undeliverable = Funnel.count(TestWaves.OPEN, "emailUndeliverable");
        int mailsToTheDeadAddress = Mailbox.to(dead).size();

        // SES would count every further bounce against the account: no access code goes there.
        Access.requestCode(person).then().statusCode(202);
        worker.drain(JobKind.ACCESS_CODE, Duration.ofSeconds(60), true);
        assertThat(Mailbox.to(dead)).as("nothing more to the address that bounced").hasSize(mailsToTheDeadAddress);

        String fresh = uniqueEmail();
        operator().body(recovery(person, fresh, "SUP-2026-0077")).post(RECOVERIES).then().statusCode(202);
        Api.get(r).then().body("email.deliverable", equalTo(true)).body("email.verified", equalTo(false));
        assertThat(Funnel.count(TestWaves.OPEN, "emailUndeliverable")).isEqualTo(undeliverable - 1);
        assertThat(db.registration(r.id()).getBuffer("email_digest").getBytes()).as("the new address's keyed digest")
                .isEqualTo(protection.lookupDigest("email", fresh));
        drainEmail();
        assertThat(Mailbox.to(fresh)).as("the email code and the access code").extracting(Mailbox.Mail::subject)
                .anySatisfy(subject -> assertThat(subject).startsWith("Kode verifikasi"))
                .anySatisfy(subject -> assertThat(subject).startsWith("Kode masuk"));
        // The new address bouncing is found by its digest like the first.
        SqsEvents.invoke(EmailFeedback.class, List.of(new Message(SqsEvents.sesBounce(fresh, "Permanent"))));
        Api.get(r).then().body("email.deliverable", equalTo(false));
    }

    private static Map<String, Object> recovery(Map<String, Object> person, String email, String ticket) {
        return Map.of("nik", person.get("nik"), "birthDate", person.get("birthDate"), "email", email, "ticket", ticket);
    }

    private static Response verifyEmail(Registered r, String code) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token())
                .body(Map.of("code", code)).post("/v1/registrations/" + r.id() + "/email/verify");
    }

    private void drainEmail() {
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
    }

    private static String uniqueEmail() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@example.com";
    }
}
