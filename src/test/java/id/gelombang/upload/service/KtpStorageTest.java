package id.gelombang.upload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import id.gelombang.upload.domain.KtpPhoto;
import id.gelombang.upload.domain.KtpPhoto.ImageType;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What S3's refusals of a read mean for confirm, with the SDK's own exception types: in AWS a
 * missing key is 403 AccessDenied for a role without s3:ListBucket and 404 NoSuchKey with it;
 * both are "not uploaded yet" (a 422 for the registrant). Anything else is not swallowed.
 */
class KtpStorageTest {

    private static final KtpPhoto DECLARED = new KtpPhoto(ImageType.JPEG, 2_000, "c2hhMjU2");

    @Test
    void accessDeniedForTheIssuedKeyMeansNothingWasUploaded() {
        S3Exception denied = (S3Exception) S3Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build())
                .build();
        assertThat(storageAnswering(denied).inspect("pending/x", DECLARED)).isEmpty();
    }

    @Test
    void noSuchKeyMeansNothingWasUploaded() {
        S3Exception noSuchKey = NoSuchKeyException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").build()).build();
        assertThat(storageAnswering(noSuchKey).inspect("pending/x", DECLARED)).isEmpty();
        // A HEAD-style 404 carries no NoSuchKey code; a NoSuchKeyException without a status still is one.
        assertThat(storageAnswering((S3Exception) S3Exception.builder().statusCode(404).build()).inspect("pending/x", DECLARED)).isEmpty();
        assertThat(storageAnswering(NoSuchKeyException.builder().build()).inspect("pending/x", DECLARED)).isEmpty();
    }

    @Test
    void otherRefusalsAreNotTakenForAMissingPhoto() {
        S3Exception unavailable = (S3Exception) S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").build()).build();
        assertThatThrownBy(() -> storageAnswering(unavailable).inspect("pending/x", DECLARED)).isSameAs(unavailable);
        S3Exception badRequest = (S3Exception) S3Exception.builder().statusCode(400).build();
        assertThatThrownBy(() -> storageAnswering(badRequest).inspect("pending/x", DECLARED)).isSameAs(badRequest);
    }

    /** A storage whose S3 client answers every call with this exception. */
    private static KtpStorage storageAnswering(S3Exception failure) {
        S3Client s3 = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] { S3Client.class },
                (proxy, method, args) -> {
                    throw failure;
                });
        return new KtpStorage(s3, FixedUploadConfig.forBucket("ktp-bucket"));
    }
}
