package id.gelombang.testing;

import java.util.Base64;
import java.util.Random;

import id.gelombang.common.crypto.Digests;

/** Files shaped like KTP photos: the right magic bytes, then noise. */
public final class Photos {

    private static final byte[] JPEG_MAGIC = { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0 };
    private static final byte[] PNG_MAGIC = { (byte) 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    private Photos() {
    }

    public static byte[] jpeg(int size) {
        return withMagic(JPEG_MAGIC, size);
    }

    public static byte[] png(int size) {
        return withMagic(PNG_MAGIC, size);
    }

    public static byte[] noise(int size) {
        return withMagic(new byte[] { 'h', 'e', 'l', 'l', 'o' }, size);
    }

    public static String sha256(byte[] file) {
        return Base64.getEncoder().encodeToString(Digests.sha256(file));
    }

    private static byte[] withMagic(byte[] magic, int size) {
        byte[] file = new byte[size];
        new Random(size).nextBytes(file);
        System.arraycopy(magic, 0, file, 0, magic.length);
        return file;
    }
}
