package id.gelombang.testing;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two SigV4 presigned URLs signed within the same second, so that their signatures can be
 * compared: each signer takes the clock's current second (X-Amz-Date), and a pair that straddles
 * a second is signed again.
 */
public final class SameSecond {

    public record Urls(String ours, String theirs) {
    }

    private static final Pattern AMZ_DATE = Pattern.compile("[?&]X-Amz-Date=([0-9TZ]+)");

    private SameSecond() {
    }

    public static Urls sign(Supplier<String> ours, Supplier<String> theirs) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Urls urls = new Urls(ours.get(), theirs.get());
            if (amzDate(urls.ours()).equals(amzDate(urls.theirs()))) {
                return urls;
            }
        }
        throw new AssertionError("Five pairs of presigned URLs each straddled a second");
    }

    private static String amzDate(String url) {
        Matcher date = AMZ_DATE.matcher(url);
        if (!date.find()) {
            throw new AssertionError("No X-Amz-Date in a presigned URL");
        }
        return date.group(1);
    }
}
