package id.gelombang.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import id.gelombang.common.crypto.PersonalDataProtection;
import id.gelombang.common.local.LocalSite;
import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Applicants;
import id.gelombang.testing.Browser;
import id.gelombang.testing.Database;
import id.gelombang.testing.FlakyGateway;
import id.gelombang.testing.FlakyGateway.Call;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Mailbox;
import id.gelombang.testing.SqsEvents;
import id.gelombang.testing.TestWaves;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.EmailFeedback;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The public site's half of the contract, in a real browser: the reference page (src/site) served
 * from its own origin, calling the API through a gateway stand-in that can lose answers or refuse
 * like API Gateway does, and putting photos straight into the S3 API (S3Proxy, or LocalStack in
 * CI's second pass) across origins. Screenshots of each step land in target/browser-screenshots.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class RegistrationPageTest {

    private static final String REGISTRATIONS = "/v1/registrations";

    private static Browser browser;
    private static FlakyGateway gateway;
    private static LocalSite site;

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    @Inject
    PersonalDataProtection protection;

    @Inject
    S3Client s3;

    @Inject
    UploadConfig upload;

    @BeforeAll
    static void startBrowserAndSite() {
        browser = Browser.start();
        int api = ConfigProvider.getConfig().getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class)
                .orElse(8081);
        gateway = new FlakyGateway(URI.create("http://localhost:" + api));
        site = LocalSite.start(Path.of("src", "site"), 0, gateway.uri());
    }

    @AfterAll
    static void stop() {
        if (site != null) {
            site.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshPage() {
        gateway.reset();
        browser.open(site.uri().toString());
    }

    @Test
    void aRegistrantGoesFromAnEmptyPageToAReceivedPhotoAndAVerifiedEmail() throws IOException {
        browser.awaitText("#wave-code", TestWaves.OPEN);
        browser.awaitVisible("#step-form");
        browser.screenshot("happy-1-wave-and-form");
        Map<String, Object> applicant = Applicants.valid();
        Jobs.parkAllOpen(db);

        fill(applicant);
        browser.screenshot("happy-2-form-filled");
        browser.find("#register-button").click();

        browser.awaitVisible("#step-photo");
        assertThat(browser.focused().getAttribute("id")).as("focus moves to the next step").isEqualTo("photo-title");
        browser.screenshot("happy-3-photo-step");
        browser.find("#ktp-file").sendKeys(writeTemp(ktpPhoto(1200, 760, 8), ".jpg").toString());

        browser.awaitVisible("#step-email", Duration.ofSeconds(60));
        assertThat(browser.find("#upload-progress").getAttribute("value")).as("upload progress at the end").isEqualTo("100");
        String id = registrationId();
        assertThat(db.registration(id).getString("ktp_status")).isEqualTo("RECEIVED");
        browser.screenshot("happy-4-email-step");

        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(30), true);
        browser.find("#email-code").sendKeys(Mailbox.latestCode((String) applicant.get("email")));
        browser.find("#verify-button").click();

        browser.awaitVisible("#step-status");
        browser.awaitText("#status-ktp", "Diterima");
        assertThat(browser.find("#status-email").getText()).contains("terverifikasi").doesNotContain("belum");
        assertThat(browser.find("#status-nik").getText()).isEqualTo(((String) applicant.get("nik")).substring(0, 4)
                + "************" + ((String) applicant.get("nik")).substring(12));
        assertThat(db.registration(id).getBoolean("email_verified")).isTrue();
        browser.screenshot("happy-5-status");

        browser.find("#language-toggle").click();
        browser.awaitText("h1", "Gelombang registration");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("en");
        browser.screenshot("happy-6-status-in-english");

        browser.find("#withdraw-button").click();
        browser.awaitVisible("#withdraw-confirm-button").click();
        browser.awaitVisible("#step-withdrawn");
        assertThat(db.registration(id).getString("status")).isEqualTo("WITHDRAWN");
        assertThat(browser.script("return sessionStorage.getItem('gelombang.registration')")).as("token forgotten").isNull();
        browser.screenshot("happy-7-withdrawn");
    }

    @Test
    void aCameraSizedPhotoIsDownscaledInTheBrowserAndAccepted() throws IOException {
        Api.Registered registered = Api.registerNew();
        byte[] camera = cameraPhoto();
        assertThat(camera.length).as("the photo as the camera took it").isGreaterThan(5_000_000);
        resumeAs(registered);

        browser.awaitVisible("#step-photo");
        browser.find("#ktp-camera").sendKeys(writeTemp(camera, ".jpg").toString());
        browser.awaitVisible("#step-email", Duration.ofSeconds(90));
        browser.screenshot("camera-photo-accepted");

        String key = db.registration(registered.id()).getString("ktp_object_key");
        byte[] stored = s3.getObjectAsBytes(r -> r.bucket(upload.bucket().orElseThrow()).key(key)).asByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(stored));
        System.out.printf("Camera photo %,d bytes (%d x 3000) became %,d bytes (%d x %d)%n", camera.length, 4000,
                stored.length, image.getWidth(), image.getHeight());
        assertThat(stored.length).as("bytes that left the phone").isLessThanOrEqualTo(2_097_152).isLessThan(camera.length / 3);
        assertThat(Math.max(image.getWidth(), image.getHeight())).as("longest side").isEqualTo(1600);
        assertThat(image.getWidth()).as("aspect ratio kept").isEqualTo(1600);
        assertThat(image.getHeight()).isEqualTo(1200);
    }

    @Test
    void aLostAnswerIsRetriedWithTheSameKeyAndMakesOneRegistration() {
        browser.awaitVisible("#step-form");
        Map<String, Object> applicant = Applicants.valid();
        gateway.dropNextResponse("POST", REGISTRATIONS);

        fill(applicant);
        browser.find("#register-button").click();
        browser.awaitVisible("#step-photo", Duration.ofSeconds(60));

        List<Call> posts = gateway.calls("POST", REGISTRATIONS);
        assertThat(posts).as("the lost call and its retry").hasSizeGreaterThanOrEqualTo(2);
        assertThat(posts).extracting(Call::idempotencyKey).containsOnly(posts.get(0).idempotencyKey()).doesNotContainNull();
        assertThat(posts.get(0).status()).as("the function registered before the answer was lost").isEqualTo(201);
        assertThat(posts.get(posts.size() - 1).replayed()).as("the retry got the stored answer").isTrue();
        assertThat(registrationsWithNik((String) applicant.get("nik"))).isEqualTo(1);
        assertThat(registrationId()).isEqualTo(db.registration(registrationId()).getUUID("id").toString());
    }

    @Test
    void aGatewayRefusalWithRetryAfterIsWaitedOut() {
        browser.awaitVisible("#step-form");
        Map<String, Object> applicant = Applicants.valid();
        gateway.refuseNext("POST", REGISTRATIONS, 2);

        fill(applicant);
        browser.find("#register-button").click();
        browser.awaitVisible("#step-photo", Duration.ofSeconds(60));

        List<Call> posts = gateway.calls("POST", REGISTRATIONS);
        assertThat(posts).extracting(Call::status).containsExactly(503, 201);
        assertThat(Duration.between(posts.get(0).at(), posts.get(1).at())).as("wait before the retry")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(posts.get(1).idempotencyKey()).isEqualTo(posts.get(0).idempotencyKey());
        assertThat(registrationsWithNik((String) applicant.get("nik"))).isEqualTo(1);
    }

    @Test
    void aGateway500WithoutAProblemBodyIsRetriedWithTheSameKey() {
        browser.awaitVisible("#step-form");
        Map<String, Object> applicant = Applicants.valid();
        // API Gateway's answer when Lambda refuses the invocation (throttled): 500, its own JSON body.
        gateway.lambdaRefusesNext("POST", REGISTRATIONS);

        fill(applicant);
        browser.find("#register-button").click();
        browser.awaitVisible("#step-photo", Duration.ofSeconds(60));

        List<Call> posts = gateway.calls("POST", REGISTRATIONS);
        assertThat(posts).extracting(Call::status).containsExactly(500, 201);
        assertThat(posts.get(1).idempotencyKey()).isEqualTo(posts.get(0).idempotencyKey());
        assertThat(registrationsWithNik((String) applicant.get("nik"))).isEqualTo(1);
    }

    @Test
    void aRegistrantWhoseAddressBouncedSeesItAndCorrectsItOnThePage() {
        browser.awaitVisible("#step-form");
        String typo = "t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String corrected = "c" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Jobs.parkAllOpen(db);
        Registered r = Api.registerNew(Applicants.with(Applicants.valid(), "email", typo));
        byte[] photo = id.gelombang.testing.Photos.jpeg(50_000);
        id.gelombang.testing.S3Upload.upload(r, "image/jpeg", photo);
        Api.confirm(r).then().statusCode(200);
        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(30), true);
        SqsEvents.invoke(EmailFeedback.class, List.of(new SqsEvents.Message(SqsEvents.sesBounce(typo, "Permanent"))));
        db.execute("UPDATE email_code SET requested_at = requested_at - interval '2 minutes' WHERE registration_id = $1",
                java.util.UUID.fromString(r.id()));

        // The registrant comes back in the tab that holds the registration.
        browser.script("sessionStorage.setItem('gelombang.registration', JSON.stringify({id: arguments[0], token: arguments[1]}))",
                r.id(), r.token());
        browser.driver().navigate().refresh();
        browser.awaitVisible("#step-email");
        assertThat(browser.find("#email-undeliverable").isDisplayed()).as("the bounce is shown").isTrue();
        assertThat(browser.find("#email-undeliverable").getAttribute("role")).isEqualTo("alert");
        assertThat(browser.find("#resend-button").isDisplayed()).as("no new code to an address that bounced").isFalse();
        browser.screenshot("bounced-1-told");

        browser.find("#new-email").sendKeys(corrected);
        browser.find("#change-email-button").click();
        browser.awaitText("#email-address", corrected.charAt(0) + "***@example.com");
        assertThat(browser.find("#email-undeliverable").isDisplayed()).isFalse();
        assertThat(gateway.calls("PUT", REGISTRATIONS + "/" + r.id() + "/email")).extracting(Call::status).containsExactly(200);
        browser.screenshot("bounced-2-corrected");

        worker.drain(JobKind.EMAIL_CODE, Duration.ofSeconds(30), true);
        browser.find("#email-code").sendKeys(Mailbox.latestCode(corrected));
        browser.find("#verify-button").click();
        browser.awaitVisible("#step-status");
        assertThat(db.registration(r.id()).getBoolean("email_verified")).isTrue();
        assertThat(browser.find("#status-email-undeliverable").isDisplayed()).isFalse();
    }

    @Test
    void theServersErrorForAFieldAppearsNextToThatField() {
        browser.awaitVisible("#step-form");
        // Digits in a name pass the page's own checks; the server's rules refuse them.
        Map<String, Object> applicant = Applicants.with(Applicants.valid(), "fullName", "Siti 2");

        fill(applicant);
        browser.find("#register-button").click();

        browser.awaitText("#fullName-error", "letters, spaces");
        WebElement name = browser.find("#fullName");
        assertThat(name.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(name.getAttribute("aria-describedby")).contains("fullName-error");
        assertThat(browser.focused().getAttribute("id")).as("focus on the field to fix").isEqualTo("fullName");
        assertThat(browser.find("#form-error").getAttribute("role")).isEqualTo("alert");
        assertThat(browser.find("#step-photo").isDisplayed()).isFalse();
        assertThat(registrationsWithNik((String) applicant.get("nik"))).isZero();
        browser.screenshot("field-error-from-server");
    }

    @Test
    void thePageRefusesANikThatDoesNotMatchTheBirthDateBeforeSending() {
        browser.awaitVisible("#step-form");
        Map<String, Object> applicant = Applicants.with(Applicants.valid(), "birthDate", "1990-02-05");

        fill(applicant);
        browser.find("#register-button").click();

        browser.awaitText("#nik-error", "tanggal lahir");
        assertThat(gateway.calls("POST", REGISTRATIONS)).as("nothing sent").isEmpty();
        browser.screenshot("field-error-before-submit");
    }

    @Test
    void theFormCanBeCompletedWithTheKeyboardAlone() {
        browser.awaitVisible("#step-form");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("form-title");
        Map<String, Object> a = Applicants.valid();
        String[] date = ((String) a.get("birthDate")).split("-");

        type(Keys.TAB, "nik", (String) a.get("nik"));
        type(Keys.TAB, "kkNumber", (String) a.get("kkNumber"));
        type(Keys.TAB, "fullName", (String) a.get("fullName"));
        type(Keys.TAB, "birthDay", date[2]);
        type(Keys.TAB, "birthMonth", date[1]);
        type(Keys.TAB, "birthYear", date[0]);
        type(Keys.TAB, "sex-f", Keys.SPACE);
        type(Keys.TAB, "email", (String) a.get("email"));
        type(Keys.TAB, "phone", (String) a.get("phone"));
        type(Keys.TAB, "eligible", Keys.SPACE);
        type(Keys.TAB, "register-button", Keys.ENTER);

        browser.awaitVisible("#step-photo", Duration.ofSeconds(60));
        assertThat(browser.focused().getAttribute("id")).isEqualTo("photo-title");
        assertThat(registrationsWithNik((String) a.get("nik"))).isEqualTo(1);
    }

    @Test
    void aRegistrantComesBackInANewTabThroughTheCodeMailedToThem() throws IOException {
        browser.awaitVisible("#step-form");
        Jobs.parkAllOpen(db);
        Map<String, Object> applicant = Applicants.valid();
        fill(applicant);
        browser.find("#register-button").click();
        browser.awaitVisible("#step-photo", Duration.ofSeconds(60));
        String id = registrationId();
        String firstToken = (String) browser.script("return JSON.parse(sessionStorage.getItem('gelombang.registration')).token");
        assertThat(browser.find("#returning").isDisplayed()).as("no way back offered to a tab that holds its registration").isFalse();
        String firstTab = browser.driver().getWindowHandle();

        // The next day, in a new tab: nothing of the registration is there.
        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.driver().get(site.uri().toString());
        browser.awaitVisible("#step-form");
        assertThat(browser.script("return sessionStorage.getItem('gelombang.registration')")).isNull();
        browser.awaitVisible("#access-entry").click();
        browser.awaitVisible("#step-access");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("access-title");
        browser.screenshot("come-back-1-entry");
        String[] date = ((String) applicant.get("birthDate")).split("-");
        browser.find("#access-nik").sendKeys((String) applicant.get("nik"));
        browser.find("#access-birthDay").sendKeys(date[2]);
        browser.find("#access-birthMonth").sendKeys(date[1]);
        browser.find("#access-birthYear").sendKeys(date[0]);
        browser.find("#access-send-button").click();
        browser.awaitVisible("#access-code-form");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("access-code");
        browser.screenshot("come-back-2-code");

        worker.drain(JobKind.ACCESS_CODE, Duration.ofSeconds(30), true);
        browser.find("#access-code").sendKeys(Mailbox.latestAccessCode((String) applicant.get("email")));
        browser.find("#access-open-button").click();

        browser.awaitVisible("#step-status");
        String nik = (String) applicant.get("nik");
        browser.awaitText("#status-nik", nik.substring(0, 4) + "************" + nik.substring(12));
        assertThat(registrationId()).isEqualTo(id);
        String token = (String) browser.script("return JSON.parse(sessionStorage.getItem('gelombang.registration')).token");
        assertThat(token).isNotEqualTo(firstToken);
        assertThat((String) browser.script("return JSON.stringify(localStorage)")).as("no token kept beyond the tab")
                .doesNotContain(token).doesNotContain(id);
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(token).doesNotContain(id);
        Api.get(new Api.Registered(id, firstToken)).then().statusCode(401);
        browser.screenshot("come-back-3-status");

        // From here the registrant finishes what was left: the KTP photo.
        browser.awaitVisible("#continue-photo").click();
        browser.awaitVisible("#step-photo");
        browser.find("#ktp-file").sendKeys(writeTemp(ktpPhoto(1200, 760, 8), ".jpg").toString());
        browser.awaitVisible("#step-email", Duration.ofSeconds(60));
        assertThat(db.registration(id).getString("ktp_status")).isEqualTo("RECEIVED");

        // The first tab's token no longer works: it says so and offers the way back.
        browser.driver().switchTo().window(firstTab);
        browser.driver().navigate().refresh();
        browser.awaitVisible("#step-access");
        assertThat(browser.find("#access-signed-out").isDisplayed()).isTrue();
        assertThat(browser.script("return sessionStorage.getItem('gelombang.registration')")).isNull();
        browser.screenshot("come-back-4-first-tab-signed-out");
    }

    @Test
    void aWrongCodeIsRefusedNextToItsFieldAndTheWayBackWorksWithTheKeyboardAlone() {
        Map<String, Object> applicant = Applicants.valid();
        Api.Registered registered = Api.registerNew(applicant);
        Jobs.parkAllOpen(db);
        browser.awaitVisible("#step-form");
        browser.find("#language-toggle").click();
        browser.awaitText("#access-entry", "Already registered? Check status");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("language-toggle");

        // From the form's heading, one step back is the way back in.
        browser.script("document.getElementById('form-title').focus()");
        browser.focused().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertThat(browser.focused().getAttribute("id")).isEqualTo("access-entry");
        browser.focused().sendKeys(Keys.ENTER);
        browser.awaitVisible("#step-access");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("access-title");
        assertThat(browser.find("#access-title").getText()).isEqualTo("Check your registration");
        String[] date = ((String) applicant.get("birthDate")).split("-");
        type(Keys.TAB, "access-nik", (String) applicant.get("nik"));
        type(Keys.TAB, "access-birthDay", date[2]);
        type(Keys.TAB, "access-birthMonth", date[1]);
        type(Keys.TAB, "access-birthYear", date[0]);
        type(Keys.TAB, "access-send-button", Keys.ENTER);
        browser.awaitVisible("#access-code-form");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("access-code");

        worker.drain(JobKind.ACCESS_CODE, Duration.ofSeconds(30), true);
        String code = Mailbox.latestAccessCode((String) applicant.get("email"));
        browser.focused().sendKeys(String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000), Keys.ENTER);
        browser.awaitText("#access-code-error", "wrong, used or expired");
        WebElement field = browser.find("#access-code");
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field.getAttribute("aria-describedby")).contains("access-code-error");
        assertThat(browser.focused().getAttribute("id")).as("focus back on the code").isEqualTo("access-code");
        assertThat(browser.script("return sessionStorage.getItem('gelombang.registration')")).isNull();
        browser.screenshot("come-back-wrong-code");

        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), code, Keys.ENTER);
        browser.awaitVisible("#step-status");
        assertThat(browser.focused().getAttribute("id")).isEqualTo("status-title");
        assertThat(registrationId()).isEqualTo(registered.id());
        Api.get(registered).then().statusCode(401);
        browser.screenshot("come-back-status-in-english");
    }

    /** Presses {@code move}, checks that the focus landed on {@code expectedId}, then types there. */
    private void type(CharSequence move, String expectedId, CharSequence... keys) {
        browser.focused().sendKeys(move);
        WebElement focused = browser.focused();
        assertThat(focused.getAttribute("id")).as("focus after Tab").isEqualTo(expectedId);
        focused.sendKeys(keys);
    }

    private void fill(Map<String, Object> a) {
        String[] date = ((String) a.get("birthDate")).split("-");
        browser.find("#nik").sendKeys((String) a.get("nik"));
        browser.find("#kkNumber").sendKeys((String) a.get("kkNumber"));
        browser.find("#fullName").sendKeys((String) a.get("fullName"));
        browser.find("#birthDay").sendKeys(date[2]);
        browser.find("#birthMonth").sendKeys(date[1]);
        browser.find("#birthYear").sendKeys(date[0]);
        browser.find("F".equals(a.get("sex")) ? "#sex-f" : "#sex-m").click();
        browser.find("#email").sendKeys((String) a.get("email"));
        browser.find("#phone").sendKeys((String) a.get("phone"));
        browser.find("#eligible").click();
    }

    /** The page as a registrant who registered earlier in this tab and reloads it. */
    private void resumeAs(Api.Registered registered) {
        browser.script("sessionStorage.setItem('gelombang.registration', JSON.stringify({id: arguments[0], token: arguments[1]}))",
                registered.id(), registered.token());
        browser.driver().navigate().refresh();
    }

    private String registrationId() {
        return (String) browser.script("return JSON.parse(sessionStorage.getItem('gelombang.registration')).id");
    }

    private long registrationsWithNik(String nik) {
        return db.count("SELECT count(*) FROM registration WHERE nik_digest = $1", Buffer.buffer(protection.lookupDigest("nik", nik)));
    }

    private static Path writeTemp(byte[] content, String suffix) throws IOException {
        Path file = Files.createTempFile("ktp", suffix);
        file.toFile().deleteOnExit();
        return Files.write(file, content);
    }

    /** A card-like picture: a light background, a few boxes and some text, with grain of the given strength. */
    private static byte[] ktpPhoto(int width, int height, int grain) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(170, 200, 230));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(40, 60, 120));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, height / 12));
        g.drawString("KARTU TANDA PENDUDUK", width / 10, height / 6);
        g.setColor(Color.WHITE);
        g.fillRect(width * 7 / 10, height / 4, width / 5, height / 2);
        g.dispose();
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int noise = random.nextInt(2 * grain + 1) - grain;
                int r = clamp(((rgb >> 16) & 0xFF) + noise);
                int gr = clamp(((rgb >> 8) & 0xFF) + noise);
                int b = clamp((rgb & 0xFF) + noise);
                image.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return jpeg(image, 0.92f);
    }

    /** A 12-megapixel (4000 x 3000) phone-camera JPEG of more than 5 MB. */
    private static byte[] cameraPhoto() throws IOException {
        for (int grain = 12; ; grain += 8) {
            byte[] photo = ktpPhoto(4000, 3000, grain);
            if (photo.length > 5_500_000 || grain > 64) {
                return photo;
            }
        }
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
