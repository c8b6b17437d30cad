package id.gelombang.upload.rest;

import static id.gelombang.testing.Api.confirm;
import static id.gelombang.testing.Api.registerNew;
import static id.gelombang.testing.Api.uploadUrl;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.testing.Photos;
import id.gelombang.testing.S3Upload;
import id.gelombang.testing.SameSecond;
import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.upload.domain.KtpPhoto.ImageType;
import id.gelombang.upload.service.UploadUrlSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class KtpUploadTest {

    @Inject
    S3Client s3;

    @Inject
    UploadConfig config;

    @Inject
    UploadUrlSigner signer;

    /** The S3 extension's presigner, built from the same quarkus.s3.* settings as its client. */
    @Inject
    S3Presigner presigner;

    @Inject
    Database db;

    record Issued(String url, Map<String, String> headers, String key) {
    }

    private static Issued issue(Registered r, String type, byte[] file) {
        Response response = uploadUrl(r, type, file.length, Photos.sha256(file));
        response.then().statusCode(201).header("Cache-Control", "no-store").body("method", equalTo("PUT"));
        String url = response.path("uploadUrl");
        String key = S3Upload.objectKey(url);
        return new Issued(url, response.path("headers"), key);
    }

    @Test
    void uploadsStraightToS3ThenConfirmsAndKeepsThePhoto() {
        Registered r = registerNew();
        byte[] photo = Photos.jpeg(150_000);
        Response response = uploadUrl(r, "image/jpeg", photo.length, Photos.sha256(photo));
        response.then().statusCode(201)
                .body("headers.Content-Type", equalTo("image/jpeg"))
                .body("headers.Content-Length", equalTo(Integer.toString(photo.length)))
                .body("headers.x-amz-checksum-sha256", equalTo(Photos.sha256(photo)));
        Instant expiresAt = Instant.parse(response.path("expiresAt"));
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(301));
        String url = response.path("uploadUrl");
        assertThat(url).contains("X-Amz-Signature=", "X-Amz-Expires=300",
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256");
        Api.get(r).then().body("ktp.status", equalTo("PENDING_UPLOAD"));

        assertThat(S3Upload.put(url, response.path("headers"), photo)).isEqualTo(200);
        confirm(r).then().statusCode(200).header("Cache-Control", "no-store").body("ktp.status", equalTo("RECEIVED"));
        confirm(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
        Api.get(r).then().body("ktp.status", equalTo("RECEIVED"));

        String acceptedKey = db.registration(r.id()).getString("ktp_object_key");
        assertThat(acceptedKey).startsWith(config.acceptedPrefix()).doesNotContain(r.id());
        assertThat(s3.getObjectAsBytes(b -> b.bucket(config.bucket().orElseThrow()).key(acceptedKey)).asByteArray()).isEqualTo(photo);
    }

    @Test
    void objectKeysAndUrlsCarryNoPersonalData() {
        Map<String, Object> body = id.gelombang.testing.Applicants.valid();
        Registered r = registerNew(body);
        Issued issued = issue(r, "image/png", Photos.png(5_000));
        assertThat(issued.key()).matches("pending/[0-9a-f-]{36}");
        assertThat(issued.url()).doesNotContain((String) body.get("nik"), r.id(), r.token(), "example.com");
    }

    @Test
    void s3RefusesATamperedSignature() {
        Registered r = registerNew();
        byte[] photo = Photos.jpeg(10_000);
        Issued issued = issue(r, "image/jpeg", photo);
        String tampered = issued.url().replaceFirst("X-Amz-Signature=(.)", "X-Amz-Signature=" + flip(issued.url()));
        assertThat(S3Upload.put(tampered, issued.headers(), photo)).isEqualTo(403);
        assertNotStored(issued.key());
    }

    @Test
    void s3RefusesAnotherContentType() {
        Registered r = registerNew();
        byte[] photo = Photos.jpeg(10_000);
        Issued issued = issue(r, "image/jpeg", photo);
        Map<String, String> headers = new HashMap<>(issued.headers());
        headers.put("Content-Type", "image/png");
        assertThat(S3Upload.put(issued.url(), headers, photo)).isEqualTo(403);
        assertNotStored(issued.key());
    }

    @Test
    void s3RefusesAnotherLength() {
        Registered r = registerNew();
        byte[] photo = Photos.jpeg(10_000);
        Issued issued = issue(r, "image/jpeg", photo);
        assertThat(S3Upload.put(issued.url(), issued.headers(), Photos.jpeg(10_001))).isIn(400, 403);
        assertNotStored(issued.key());
    }

    @Test
    void s3RefusesOtherBytesThanTheSignedChecksum() {
        Registered r = registerNew();
        byte[] photo = Photos.jpeg(10_000);
        Issued issued = issue(r, "image/jpeg", photo);
        byte[] other = photo.clone();
        other[5000] ^= 1;
        assertThat(S3Upload.put(issued.url(), issued.headers(), other)).isIn(400, 403);
        assertNotStored(issued.key());
    }

    @Test
    void signsWithTheRegionEndpointAndCredentialsTheS3ExtensionUses() {
        String key = config.pendingPrefix() + "settings-test";
        KtpPhoto photo = new KtpPhoto(ImageType.JPEG, 10_000, Photos.sha256(Photos.jpeg(10_000)));
        SameSecond.Urls urls = SameSecond.sign(() -> signer.presignPut(key, photo, Duration.ofMinutes(5)).url(),
                () -> presigner.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(5)).putObjectRequest(p -> p
                        .bucket(config.bucket().orElseThrow()).key(key).contentType("image/jpeg").contentLength(10_000L)
                        .checksumSHA256(photo.checksumSha256()))).url().toString());
        assertThat(urls.ours()).isEqualTo(urls.theirs());
    }

    @Test
    void s3RefusesAnExpiredUrl() throws InterruptedException {
        byte[] photo = Photos.jpeg(10_000);
        String key = config.pendingPrefix() + "expiry-test";
        UploadUrlSigner.UploadUrl url = signer.presignPut(key,
                new KtpPhoto(ImageType.JPEG, photo.length, Photos.sha256(photo)), Duration.ofSeconds(1));
        Thread.sleep(2_500);
        assertThat(S3Upload.put(url.url(), url.headers(), photo)).isEqualTo(403);
        assertNotStored(key);
    }

    @Test
    void rejectsAndDeletesAPngDeclaredAsJpeg() {
        Registered r = registerNew();
        byte[] png = Photos.png(20_000);
        Issued issued = issue(r, "image/jpeg", png);
        assertThat(S3Upload.put(issued.url(), issued.headers(), png)).isEqualTo(200);
        confirm(r).then().statusCode(422).contentType("application/problem+json")
                .body("type", endsWith("/ktp-rejected"))
                .body("reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
        Api.get(r).then().body("ktp.status", equalTo("REJECTED")).body("ktp.reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
        assertNotStored(issued.key());
        confirm(r).then().statusCode(422).body("reason", equalTo("KTP_NOT_DECLARED_IMAGE_TYPE"));
    }

    @Test
    void rejectsAFileThatIsNoImage() {
        Registered r = registerNew();
        byte[] text = Photos.noise(4_000);
        Issued issued = issue(r, "image/png", text);
        assertThat(S3Upload.put(issued.url(), issued.headers(), text)).isEqualTo(200);
        confirm(r).then().statusCode(422).body("type", endsWith("/ktp-rejected"));
        assertNotStored(issued.key());
    }

    @Test
    void aRejectedRegistrantCanUploadAgain() {
        Registered r = registerNew();
        byte[] wrong = Photos.noise(4_000);
        Issued first = issue(r, "image/jpeg", wrong);
        S3Upload.put(first.url(), first.headers(), wrong);
        confirm(r).then().statusCode(422);
        byte[] photo = Photos.jpeg(4_000);
        Issued second = issue(r, "image/jpeg", photo);
        Api.get(r).then().body("ktp.status", equalTo("PENDING_UPLOAD"));
        assertThat(S3Upload.put(second.url(), second.headers(), photo)).isEqualTo(200);
        confirm(r).then().statusCode(200).body("ktp.status", equalTo("RECEIVED"));
    }

    @Test
    void confirmingBeforeUploadingSaysThePhotoIsMissing() {
        Registered r = registerNew();
        confirm(r).then().statusCode(422).body("type", endsWith("/ktp-missing"))
                .body("reason", equalTo("KTP_UPLOAD_URL_NOT_REQUESTED"));
        issue(r, "image/jpeg", Photos.jpeg(2_000));
        confirm(r).then().statusCode(422).body("type", endsWith("/ktp-missing")).body("reason", equalTo("KTP_NOT_UPLOADED"));
        Api.get(r).then().body("ktp.status", equalTo("PENDING_UPLOAD"));
    }

    @Test
    void refusesUndeclarableUploadsListingEveryField() {
        Registered r = registerNew();
        uploadUrl(r, "image/gif", 1023, "not-base64").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("contentType", "contentLength", "checksumSha256"));
        uploadUrl(r, "image/jpeg", KtpPhoto.MAX_BYTES + 1, Photos.sha256(new byte[1])).then().statusCode(400)
                .body("errors.field", containsInAnyOrder("contentLength"));
        uploadUrl(r, "image/jpeg", 5000, "AAAA").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("checksumSha256"));
        uploadUrl(r, "image/jpeg", KtpPhoto.MAX_BYTES, Photos.sha256(new byte[1])).then().statusCode(201);
        Api.get(r).then().body("ktp.status", equalTo("PENDING_UPLOAD"));
    }

    @Test
    void uploadCallsNeedTheRegistrationsToken() {
        Registered mine = registerNew();
        Registered other = registerNew();
        given().contentType("application/json").body(Map.of("contentType", "image/jpeg", "contentLength", 2000,
                "checksumSha256", Photos.sha256(new byte[1])))
                .post("/v1/registrations/" + mine.id() + "/ktp/upload-url").then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Bearer " + other.token())
                .body(Map.of("contentType", "image/jpeg", "contentLength", 2000, "checksumSha256", Photos.sha256(new byte[1])))
                .post("/v1/registrations/" + mine.id() + "/ktp/upload-url").then().statusCode(404);
        given().contentType("application/json").header("Authorization", "Bearer " + mine.token())
                .body(Map.of("contentType", "image/jpeg", "contentLength", 2000, "checksumSha256", Photos.sha256(new byte[1])))
                .post("/v1/registrations/not-a-registration-id/ktp/upload-url").then().statusCode(404);
        given().header("Authorization", "Bearer " + other.token())
                .post("/v1/registrations/" + mine.id() + "/ktp/confirm").then().statusCode(404);
        Api.get(mine).then().body("ktp.status", equalTo("MISSING"));
    }

    private void assertNotStored(String key) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s3.headObject(b -> b.bucket(config.bucket().orElseThrow()).key(key)))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class)
                .satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).statusCode()).isEqualTo(404));
    }

    private static String flip(String url) {
        char first = url.charAt(url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
        return first == 'a' ? "b" : "a";
    }

}
