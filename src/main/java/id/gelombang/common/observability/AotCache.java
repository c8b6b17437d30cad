package id.gelombang.common.observability;

/**
 * Whether the JVM started from the AOT cache it was given. The API function's bootstrap passes the
 * cache as {@code -XX:AOTCache} and names it in the system property {@value #REQUESTED}; a JVM that
 * mapped an AOT cache (or CDS archive) reports "sharing" in {@code java.vm.info}. A cache the JVM
 * refuses (a jar whose size or time changed, another JDK build) only prints a warning and the JVM
 * starts without it, about three times slower.
 */
public final class AotCache {

    /** Set by src/main/lambda/bootstrap when it hands the JVM an AOT cache. */
    public static final String REQUESTED = "gelombang.aot-cache";

    private AotCache() {
    }

    /** True when a cache was requested and the running JVM maps none. */
    public static boolean rejected(String requestedCache, String vmInfo) {
        return requestedCache != null && !requestedCache.isBlank() && (vmInfo == null || !vmInfo.contains("sharing"));
    }
}
