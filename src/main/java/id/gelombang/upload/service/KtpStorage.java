package id.gelombang.upload.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.registration.service.StoredPhotos;
import id.gelombang.upload.domain.KtpInspection;
import id.gelombang.upload.domain.KtpPhoto;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The KTP photo bucket. Photo bytes go from the registrant to S3 directly (see {@link UploadUrlSigner})
 * and never through here, except to be checked.
 */
@ApplicationScoped
public class KtpStorage implements StoredPhotos {

    /** Most keys S3 deletes in one DeleteObjects call. */
    static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;

    public KtpStorage(S3Client s3, UploadConfig config) {
        this.s3 = s3;
        this.bucket = config.requiredBucket();
    }

    /** Reads the object and checks it against the declaration; empty when there is no such object. Blocking. */
    public Optional<KtpInspection.Verdict> inspect(String key, KtpPhoto declared) {
        try (ResponseInputStream<GetObjectResponse> object = s3.getObject(r -> r.bucket(bucket).key(key))) {
            return Optional.of(KtpInspection.inspect(declared, object));
        } catch (S3Exception e) {
            if (isAbsent(e)) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading an uploaded KTP photo failed", e);
        }
    }

    /**
     * Whether S3 answered "no such object" for a key we issued. S3 says 404 NoSuchKey only to a
     * caller that may also list the bucket; to any other it says 403 AccessDenied for a missing
     * key. The key is one we issued and the function may read it, so 403 here means "not there"
     * (the template grants s3:ListBucket on the upload prefixes, which turns it into a 404 again).
     */
    static boolean isAbsent(S3Exception e) {
        return e instanceof NoSuchKeyException || e.statusCode() == 404 || e.statusCode() == 403;
    }

    /** Moves an accepted photo out of the pending area (server-side copy). Blocking. */
    public void move(String fromKey, String toKey) {
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(fromKey).destinationBucket(bucket).destinationKey(toKey));
        delete(fromKey);
    }

    /** Blocking; deleting a missing object is not an error. */
    public void delete(String key) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
    }

    /**
     * Deletes many objects, up to {@value #DELETE_BATCH} per call to S3. Keys that do not exist count
     * as deleted; any key S3 could not delete fails the whole call (its error names no key). Blocking.
     */
    @Override
    public void deleteAll(Collection<String> keys) {
        List<ObjectIdentifier> all = keys.stream().map(key -> ObjectIdentifier.builder().key(key).build()).toList();
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + DELETE_BATCH));
            DeleteObjectsResponse response = s3.deleteObjects(r -> r.bucket(bucket)
                    .delete(d -> d.objects(batch).quiet(true)));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                throw new IllegalStateException("S3 could not delete " + response.errors().size() + " KTP objects ("
                        + response.errors().get(0).code() + ")");
            }
        }
    }
}
