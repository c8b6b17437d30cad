package id.gelombang.verification.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Database;
import id.gelombang.testing.Funnel;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.SqsEvents.Message;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.EmailChangeRules;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.EmailFeedback;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * SES reports a bounce or a complaint with nothing but the address: the registrations last mailed
 * there are found by the address's keyed digest and marked undeliverable, the registrant sees it in
 * their status and corrects the address, and the new code goes to the corrected one. The feedback
 * arrives as SES publishes it (event publishing records, through SNS into SQS) and goes through the
 * feedback worker's SQS batch handler.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class EmailFeedbackTest {

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
    void aPermanentBounceMarksEveryRegistrationMailedAtTheAddressAndTheRegistrantSeesIt() {
        long undeliverableBefore = Funnel.count(TestWaves.OPEN, "emailUndeliverable");
        String typo = uniqueEmail();
        // The same mistyped address on two registrations (two members of a family, say), and a good one.
        Registered first = Api.registerNew(Applicants.with(Applicants.valid(), "email", typo));
        Registered second = Api.registerNew(Applicants.with(Applicants.valid(), "email", typo.toUpperCase()));
        Registered other = Api.registerNew(Applicants.with(Applicants.valid(), "email", uniqueEmail()));
        drainEmail();
        assertThat(Mailbox.to(typo)).hasSize(2);
        for (Registered r : List.of(first, second)) {
            assertThat(db.registration(r.id()).getBuffer("email_digest").getBytes()).as("the mailed address's keyed digest")
                    .isEqualTo(protection.lookupDigest("email", typo));
        }
        Api.get(first).then().body("email.deliverable", equalTo(true));

        Message bounce = new Message(SqsEvents.sesBounce(typo, "Permanent"));
        assertThat(SqsEvents.invoke(EmailFeedback.class, List.of(bounce))).as("batch item failures").isEmpty();

        Api.get(first).then().statusCode(200).body("email.deliverable", equalTo(false)).body("email.verified", equalTo(false))
                .body("email.address", equalTo(typo.charAt(0) + "***@example.com"));
        Api.get(second).then().body("email.deliverable", equalTo(false));
        Api.get(other).then().body("email.deliverable", equalTo(true));
        assertThat(db.registration(first.id()).getString("email_undeliverable")).isEqualTo("BOUNCED");
        assertThat(Funnel.count(TestWaves.OPEN, "emailUndeliverable")).isEqualTo(undeliverableBefore + 2);
        // The same bounce delivered again (SNS and SQS deliver at least once) counts nobody twice.
        assertThat(SqsEvents.invoke(EmailFeedback.class, List.of(new Message(bounce.body())))).isEmpty();
        assertThat(Funnel.count(TestWaves.OPEN, "emailUndeliverable")).isEqualTo(undeliverableBefore + 2);
    }

    @Test
    void aComplaintMarksTheAddressEvenInsideSnssEnvelope() {
        String address = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", address));
        drainEmail();
        Message complaint = new Message(SqsEvents.snsEnvelope(SqsEvents.sesComplaint(address)));
        assertThat(SqsEvents.invoke(EmailFeedback.class, List.of(complaint))).isEmpty();
        Api.get(r).then().body("email.deliverable", equalTo(false));
        assertThat(db.registration(r.id()).getString("email_undeliverable")).isEqualTo("COMPLAINED");
    }

    @Test
    void transientBouncesDeliveriesAndSesTestMessagesChangeNothing() {
        String address = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", address));
        drainEmail();
        List<Message> batch = List.of(
                new Message(SqsEvents.sesBounce(address, "Transient")),
                new Message(SqsEvents.sesDelivery(address)),
                new Message("Successfully validated SNS topic for Amazon SES event publishing."));
        assertThat(SqsEvents.invoke(EmailFeedback.class, batch)).isEmpty();
        Api.get(r).then().body("email.deliverable", equalTo(true));
    }

    @Test
    void theRegistrantCorrectsABouncedAddressAndTheNewCodeGoesThere() {
        String typo = uniqueEmail();
        String corrected = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", typo));
        drainEmail();
        SqsEvents.invoke(EmailFeedback.class, List.of(new Message(SqsEvents.sesBounce(typo, "Permanent"))));
        long undeliverable = Funnel.count(TestWaves.OPEN, "emailUndeliverable");
        // No more codes to an address that bounced: the registrant is told to correct it.
        resend(r).then().statusCode(409).contentType("application/problem+json").body("type", endsWith("/email-undeliverable"));
        allowANewCode(r);

        changeAddress(r, corrected).then().statusCode(200)
                .body("email.address", equalTo(corrected.charAt(0) + "***@example.com"))
                .body("email.verified", equalTo(false)).body("email.deliverable", equalTo(true));
        assertThat(Funnel.count(TestWaves.OPEN, "emailUndeliverable")).isEqualTo(undeliverable - 1);
        assertThat(db.registration(r.id()).getBuffer("email_digest").getBytes()).isEqualTo(protection.lookupDigest("email", corrected));

        drainEmail();
        assertThat(Mailbox.to(typo)).as("nothing more to the address that bounced").hasSize(1);
        String code = Mailbox.latestCode(corrected);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token()).body(Map.of("code", code))
                .post("/v1/registrations/" + r.id() + "/email/verify").then().statusCode(200).body("email.verified", equalTo(true));
        // A late bounce for the old address no longer concerns this registration.
        SqsEvents.invoke(EmailFeedback.class, List.of(new Message(SqsEvents.sesBounce(typo, "Permanent"))));
        Api.get(r).then().body("email.deliverable", equalTo(true)).body("email.verified", equalTo(true));
        // Verified and receiving mail: the address stays.
        changeAddress(r, uniqueEmail()).then().statusCode(409).body("type", endsWith("/email-already-verified"));
    }

    @Test
    void aMistypedAddressCanBeCorrectedBeforeAnyBounceAtMostOnceAMinuteAndFiveTimesADay() {
        String typo = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", typo));
        drainEmail();
        allowANewCode(r);
        String first = uniqueEmail();
        changeAddress(r, first).then().statusCode(200);
        changeAddress(r, uniqueEmail()).then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("type", endsWith("/too-many-requests"));
        Api.get(r).then().body("email.address", equalTo(first.charAt(0) + "***@example.com"));

        db.execute("UPDATE registration SET email_changes = $1 WHERE id = $2", (short) EmailChangeRules.MAX_CHANGES, UUID.fromString(r.id()));
        allowANewCode(r);
        Response refused = changeAddress(r, uniqueEmail());
        refused.then().statusCode(429).body("type", endsWith("/too-many-requests"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).as("until the day's window ends").isGreaterThan(3_600);
        // A window that has passed starts again.
        db.execute("UPDATE registration SET email_changes_since = email_changes_since - interval '25 hours' WHERE id = $1", UUID.fromString(r.id()));
        changeAddress(r, uniqueEmail()).then().statusCode(200);
        assertThat(db.registration(r.id()).getInteger("email_changes")).isOne();
    }

    @Test
    void aBadAddressIsAProblemListingTheFieldAndChangesNothing() {
        String address = uniqueEmail();
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", address));
        byte[] sealed = db.registration(r.id()).getBuffer("personal_data").getBytes();
        for (Object bad : new Object[] {"siti@", "no spaces@example.com", ""}) {
            changeAddress(r, bad).then().statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/validation")).body("errors.field", hasItem("address"));
        }
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token()).body("{\"address\":\"a@example.com\",\"extra\":1}")
                .put("/v1/registrations/" + r.id() + "/email").then().statusCode(400).contentType("application/problem+json");
        assertThat(db.registration(r.id()).getBuffer("personal_data").getBytes()).isEqualTo(sealed);
        Api.get(r).then().body("email.address", equalTo(address.charAt(0) + "***@example.com"));
    }

    @Test
    void changingTheAddressNeedsTheRegistrationsOwnTokenAndEndsWithWithdrawal() {
        Registered r = Api.registerNew();
        Registered other = Api.registerNew();
        drainEmail();
        assertThat(db.registration(r.id()).getValue("email_digest")).isNotNull();
        given().contentType(ContentType.JSON).body(Map.of("address", uniqueEmail())).put("/v1/registrations/" + r.id() + "/email")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + other.token()).body(Map.of("address", uniqueEmail()))
                .put("/v1/registrations/" + r.id() + "/email").then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + r.token()).delete("/v1/registrations/" + r.id()).then().statusCode(204);
        changeAddress(r, uniqueEmail()).then().statusCode(410).contentType("application/problem+json").body("type", endsWith("/withdrawn"));
        assertThat(db.registration(r.id()).getValue("email_digest")).as("erased with the rest").isNull();
    }

    private void drainEmail() {
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(60), true);
    }

    /** Plays the one-minute wait between codes forward. */
    private void allowANewCode(Registered r) {
        db.execute("UPDATE email_code SET requested_at = requested_at - interval '2 minutes' WHERE registration_id = $1", UUID.fromString(r.id()));
    }

    private static Response changeAddress(Registered r, Object address) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + r.token())
                .body(Map.of("address", address)).put("/v1/registrations/" + r.id() + "/email");
    }

    private static Response resend(Registered r) {
        return given().header("Authorization", "Bearer " + r.token()).post("/v1/registrations/" + r.id() + "/email/resend");
    }

    private static String uniqueEmail() {
        return "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@example.com";
    }
}
