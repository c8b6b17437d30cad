package id.gelombang.upload.domain;

import java.util.Arrays;
import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

/** What a registrant declares about the KTP photo before uploading it: the limits of the programme. */
public record KtpPhoto(ImageType type, int contentLength, String checksumSha256) {

    public static final int MIN_BYTES = 1024;
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    /** The base64 of 32 bytes: 43 characters and one '=' (S3's x-amz-checksum-sha256 is written so). */
    public static final String CHECKSUM_PATTERN = "^[A-Za-z0-9+/]{43}=$";
    private static final Pattern CHECKSUM = Pattern.compile(CHECKSUM_PATTERN);

    public enum ImageType {
        JPEG("image/jpeg", new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF }),
        PNG("image/png", new byte[] { (byte) 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

        private final String mediaType;
        private final byte[] magic;

        ImageType(String mediaType, byte[] magic) {
            this.mediaType = mediaType;
            this.magic = magic;
        }

        public String mediaType() {
            return mediaType;
        }

        /** Whether a file starting with {@code head} is really of this type. */
        public boolean startsWithMagic(byte[] head) {
            return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
        }

        /** The type with this media type, or null when it is not an accepted one. */
        public static ImageType ofMediaType(String mediaType) {
            for (ImageType type : values()) {
                if (type.mediaType.equals(mediaType)) {
                    return type;
                }
            }
            return null;
        }
    }

    /** Checks a declaration; returns it, or null with every problem in {@code errors}. */
    public static KtpPhoto declare(String contentType, Long contentLength, String checksumSha256, FieldErrors errors) {
        ImageType type = ImageType.ofMediaType(contentType);
        if (type == null) {
            errors.add("contentType", "must be image/jpeg or image/png");
        }
        if (contentLength == null || contentLength < MIN_BYTES || contentLength > MAX_BYTES) {
            errors.add("contentLength", "must be between " + MIN_BYTES + " and " + MAX_BYTES + " bytes");
        }
        if (!isSha256(checksumSha256)) {
            errors.add("checksumSha256", "must be the base64 of the 32-byte SHA-256 of the file");
        }
        return errors.isEmpty() ? new KtpPhoto(type, contentLength.intValue(), checksumSha256) : null;
    }

    private static boolean isSha256(String base64) {
        return base64 != null && CHECKSUM.matcher(base64).matches();
    }
}
