package id.gelombang.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.crypto.OneTimeCodes;
import id.gelombang.registration.domain.NikStatus;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Concurrently;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.upload.service.KtpUploadService;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import id.gelombang.verification.service.EmailVerificationService;
import id.gelombang.verification.service.NikCheckHandler;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Writers of one registration row racing each other on separate pooled connections: a NIK
 * verdict (the NIK worker's statement) and an email verification land while the registrant keeps
 * asking for upload URLs. No committed result may be overwritten by a writer that read the row
 * before it: afterwards every registration shows the verdict, the verified email and the pending
 * upload. Without the row lock in the upload and email paths the stale row wins in most rounds.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class ConcurrentRegistrationWritesTest {

    private static final int REGISTRANTS = 12;
    private static final int UPLOADERS_PER_REGISTRANT = 2;
    private static final int ROUNDS = 3;

    @Inject
    KtpUploadService uploads;

    @Inject
    EmailVerificationService emails;

    @Inject
    NikCheckHandler nikChecks;

    @Inject
    OneTimeCodes codes;

    @Inject
    Database db;

    @Test
    void aVerdictAndAnEmailVerificationSurviveAStreamOfUploadUrlCalls() throws Exception {
        List<String> lost = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Registered> rs = new ArrayList<>();
            for (int i = 0; i < REGISTRANTS; i++) {
                Registered r = Api.registerNew();
                // The email worker has mailed the first code (set-up: the worker itself is tested elsewhere).
                db.execute("UPDATE email_code SET sent_at = now() WHERE registration_id = $1", UUID.fromString(r.id()));
                rs.add(r);
            }
            List<AtomicInteger> settled = rs.stream().map(r -> new AtomicInteger()).toList();
            int perRegistrant = UPLOADERS_PER_REGISTRANT + 2;

            var outcome = Concurrently.run(REGISTRANTS * perRegistrant, REGISTRANTS * perRegistrant, n -> {
                int i = n / perRegistrant;
                int role = n % perRegistrant;
                Registered r = rs.get(i);
                if (role == 0) {
                    pause();
                    await(() -> Panache.withTransaction(() -> nikChecks.record(
                            new ClaimedJob(0, UUID.fromString(r.id()), JobKind.NIK_CHECK, 0, 1, 0, UUID.randomUUID()),
                            new NikCheckHandler.Verdict(NikStatus.VERIFIED, null))));
                    settled.get(i).incrementAndGet();
                    return "nik";
                }
                if (role == 1) {
                    pause();
                    var answer = await(() -> emails.verify(r.id(), "Bearer " + r.token(),
                            codes.code(UUID.fromString(r.id()), 1)));
                    settled.get(i).incrementAndGet();
                    return answer instanceof EmailVerificationService.Outcome.Verified ? "email" : "email-refused";
                }
                // Upload URLs until both results are in, and a few more after.
                byte[] photo = Photos.jpeg(40_000 + n);
                int after = 0;
                while (after < 3) {
                    await(() -> uploads.issueUploadUrl(r.id(), "Bearer " + r.token(), "image/jpeg", (long) photo.length,
                            Photos.sha256(photo)));
                    if (settled.get(i).get() == 2) {
                        after++;
                    }
                }
                return "upload-url";
            });

            assertThat(outcome.maxInFlight()).as("writers in flight together").isGreaterThan(REGISTRANTS);
            assertThat(outcome.results()).filteredOn(s -> s.startsWith("email")).containsOnly("email");
            for (Registered r : rs) {
                Row row = db.registration(r.id());
                if (!"VERIFIED".equals(row.getString("nik_verification"))) {
                    lost.add("round " + round + ": NIK verdict " + row.getString("nik_verification"));
                }
                if (!row.getBoolean("email_verified")) {
                    lost.add("round " + round + ": email not verified");
                }
                if (!"PENDING_UPLOAD".equals(row.getString("ktp_status")) || row.getString("ktp_pending_key") == null) {
                    lost.add("round " + round + ": KTP " + row.getString("ktp_status"));
                }
            }
        }
        assertThat(lost).as("committed results overwritten by a stale row").isEmpty();
    }

    /** Lets the upload stream get going first, so the other writer lands somewhere inside it. */
    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Supplier<Uni<T>> call) {
        try {
            return VertxContextSupport.subscribeAndAwait(call);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
