package id.gelombang.upload.domain;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import id.gelombang.registration.domain.KtpRejection;

/** Reads an uploaded object once and checks it against what was declared. */
public final class KtpInspection {

    public enum Verdict {
        ACCEPTED(null),
        SIZE_MISMATCH(KtpRejection.KTP_SIZE_MISMATCH),
        CHECKSUM_MISMATCH(KtpRejection.KTP_CHECKSUM_MISMATCH),
        NOT_DECLARED_IMAGE_TYPE(KtpRejection.KTP_NOT_DECLARED_IMAGE_TYPE);

        private final KtpRejection reason;

        Verdict(KtpRejection reason) {
            this.reason = reason;
        }

        /** Why the photo is rejected; null when accepted. */
        public KtpRejection reason() {
            return reason;
        }
    }

    private KtpInspection() {
    }

    /** Reads at most one byte more than the declared length, so an oversized object cannot exhaust memory. */
    public static Verdict inspect(KtpPhoto declared, InputStream object) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] head = new byte[8];
        int headLength = 0;
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new DigestInputStream(object, sha256)) {
            int read;
            while (total <= declared.contentLength() && (read = in.read(buffer)) != -1) {
                if (headLength < head.length) {
                    int take = Math.min(head.length - headLength, read);
                    System.arraycopy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                total += read;
            }
        }
        if (total != declared.contentLength()) {
            return Verdict.SIZE_MISMATCH;
        }
        if (!Base64.getEncoder().encodeToString(sha256.digest()).equals(declared.checksumSha256())) {
            return Verdict.CHECKSUM_MISMATCH;
        }
        if (!declared.type().startsWithMagic(Arrays.copyOf(head, headLength))) {
            return Verdict.NOT_DECLARED_IMAGE_TYPE;
        }
        return Verdict.ACCEPTED;
    }
}
