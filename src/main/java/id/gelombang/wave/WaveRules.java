package id.gelombang.wave;

import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Pattern;

import id.gelombang.common.problem.FieldErrors;

/** What makes a wave definition valid, for operators creating or changing one. */
public final class WaveRules {

    public static final int DEFAULT_HOUSEHOLD_LIMIT = 2;
    public static final int DEFAULT_RETENTION_DAYS = 90;
    /**
     * Longest retention operators can set. The bucket's lifecycle rule on ktp/ (template parameter
     * KtpPhotoExpirationDays, 1,100 days) must stay above the longest wave plus this.
     */
    public static final int MAX_RETENTION_DAYS = 730;
    public static final int MIN_RETENTION_DAYS = 1;
    public static final int MIN_HOUSEHOLD_LIMIT = 1;
    public static final int MAX_HOUSEHOLD_LIMIT = 20;
    public static final int MIN_QUOTA = 1;
    public static final int MAX_QUOTA = 100_000_000;
    public static final int MAX_CODE_LENGTH = 32;
    /** A wave code, in URLs too: 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static final String CODE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_CODE_LENGTH - 1) + "}$";
    private static final Pattern CODE = Pattern.compile(CODE_PATTERN);

    /** A draw commitment: the lower-case hex SHA-256 of a seed made outside. */
    public static final String COMMITMENT_PATTERN = "^[0-9a-f]{64}$";
    private static final Pattern SHA256_HEX = Pattern.compile(COMMITMENT_PATTERN);

    private WaveRules() {
    }

    /** Whether this can be a wave's code; anything else names no wave (and is never sent to the database). */
    public static boolean isCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    public static void checkCode(String code, FieldErrors errors) {
        if (!isCode(code)) {
            errors.add("code", "must be 1-" + MAX_CODE_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** Checks retention settings as they would be after a change; the scope is the name of a {@link RetentionScope}. */
    public static void checkRetention(Integer retentionDays, String retentionScope, FieldErrors errors) {
        if (retentionDays == null || retentionDays < MIN_RETENTION_DAYS || retentionDays > MAX_RETENTION_DAYS) {
            errors.add("retentionDays", "must be between " + MIN_RETENTION_DAYS + " and " + MAX_RETENTION_DAYS);
        }
        if (retentionScope == null || Arrays.stream(RetentionScope.values()).noneMatch(s -> s.name().equals(retentionScope))) {
            errors.add("retentionScope", "must be one of " + Arrays.toString(RetentionScope.values()));
        }
    }

    /** The selection named in a definition (null: FIRST_COME); null when invalid, with the error added. */
    public static WaveSelection selection(String selection, Boolean drawRequiresVerifiedNik, FieldErrors errors) {
        WaveSelection parsed = WaveSelection.FIRST_COME;
        if (selection != null) {
            try {
                parsed = WaveSelection.valueOf(selection);
            } catch (IllegalArgumentException e) {
                errors.add("selection", "must be FIRST_COME or DRAW");
                return null;
            }
        }
        if (Boolean.TRUE.equals(drawRequiresVerifiedNik) && parsed != WaveSelection.DRAW) {
            errors.add("drawRequiresVerifiedNik", "applies only to a wave with selection DRAW");
        }
        return parsed;
    }

    /** Checks a setting that only a draw wave has ({@code selection} null: invalid, already reported). */
    public static void checkDrawOnly(String field, Boolean value, WaveSelection selection, FieldErrors errors) {
        if (Boolean.TRUE.equals(value) && selection != null && selection != WaveSelection.DRAW) {
            errors.add(field, "applies only to a wave with selection DRAW");
        }
    }

    /**
     * Checks a draw commitment made outside the system: 64 lower-case hex digits (a SHA-256), and only
     * on a draw wave ({@code selection} null: invalid, already reported). Null: none given.
     */
    public static void checkDrawCommitment(String commitment, WaveSelection selection, FieldErrors errors) {
        if (commitment == null) {
            return;
        }
        if (!SHA256_HEX.matcher(commitment).matches()) {
            errors.add("drawCommitment", "must be the lower-case hex SHA-256 of the seed (64 characters 0-9, a-f)");
        } else if (selection != null && selection != WaveSelection.DRAW) {
            errors.add("drawCommitment", "applies only to a wave with selection DRAW");
        }
    }

    /** Checks a complete schedule as it would be after a change, at {@code now}. */
    public static void checkSchedule(Instant opensAt, Instant closesAt, Integer quota, Integer householdLimit,
            Instant now, FieldErrors errors) {
        if (opensAt == null) {
            errors.add("opensAt", "is required");
        }
        if (closesAt == null) {
            errors.add("closesAt", "is required");
        } else if (opensAt != null && !closesAt.isAfter(opensAt)) {
            errors.add("closesAt", "must be after opensAt");
        } else if (!closesAt.isAfter(now)) {
            errors.add("closesAt", "must be in the future (close a wave with POST .../close)");
        }
        if (quota == null || quota < MIN_QUOTA || quota > MAX_QUOTA) {
            errors.add("quota", "must be between " + MIN_QUOTA + " and " + MAX_QUOTA);
        }
        if (householdLimit == null || householdLimit < MIN_HOUSEHOLD_LIMIT || householdLimit > MAX_HOUSEHOLD_LIMIT) {
            errors.add("householdLimit", "must be between " + MIN_HOUSEHOLD_LIMIT + " and " + MAX_HOUSEHOLD_LIMIT);
        }
    }
}
