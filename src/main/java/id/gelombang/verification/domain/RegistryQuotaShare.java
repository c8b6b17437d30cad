package id.gelombang.verification.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How the registry's daily quota is shared between registrants who proved their email address and
 * those who did not (a bot with a leaked NIK list never does).
 * <ul>
 * <li>Checks of {@link NikCheckPriority#EMAIL_VERIFIED} registrations (and any class above) may use
 * the whole of today's quota, and are always claimed before unverified ones.</li>
 * <li>A check of an {@link NikCheckPriority#EMAIL_UNVERIFIED} registration is claimed only when no
 * higher one is due (the claim order does that), its registration is at least
 * {@code unverifiedAfter} old (its registrant had time to type the code), and today's quota left
 * exceeds the reserve kept for verified checks: {@code unverifiedReserve} times the checks the gate
 * can still make before the quota resets, at its paced rate. With a reserve of 1 an unverified
 * check only ever takes quota that no verified check could have used today: it would otherwise
 * expire unused at midnight.</li>
 * <li>Once today's quota is used up, only {@link NikCheckPriority#CONTESTED} checks are claimed: one
 * held without a proved address is released without a registry call ({@link ContestedHold}), and a
 * proved one waits for the reset like any other.</li>
 * </ul>
 *
 * @param dailyQuota        the registry's calls per day
 * @param pacedPerSecond    the gate's pace (the agreed rate less the pacing margin)
 * @param unverifiedReserve share (0..1) of the rest of the day's capacity kept for verified checks
 * @param unverifiedAfter   how old an unverified registration must be before its check may run
 */
public record RegistryQuotaShare(int dailyQuota, double pacedPerSecond, double unverifiedReserve, Duration unverifiedAfter) {

    public RegistryQuotaShare {
        if (dailyQuota < 0 || pacedPerSecond <= 0 || unverifiedReserve < 0 || unverifiedReserve > 1
                || unverifiedAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "RegistryQuotaShare needs a quota >= 0, a pace > 0, a reserve within 0..1 and an age >= 0");
        }
    }

    /**
     * What may be claimed now, given the calls already made today and when the quota resets; only
     * contested checks once today's quota is used up.
     */
    public Optional<ClaimScope> claimable(int usedToday, Instant now, Instant quotaResetsAt) {
        long left = (long) dailyQuota - usedToday;
        Instant registeredBefore = now.minus(unverifiedAfter);
        if (left <= 0) {
            short contested = NikCheckPriority.CONTESTED.value();
            return Optional.of(new ClaimScope(contested, contested, registeredBefore));
        }
        short aged = NikCheckPriority.EMAIL_VERIFIED.value();
        if (spareForUnverified(usedToday, now, quotaResetsAt)) {
            return Optional.of(new ClaimScope(NikCheckPriority.EMAIL_UNVERIFIED.value(), aged, registeredBefore));
        }
        return Optional.of(new ClaimScope(aged, aged, registeredBefore));
    }

    /** True when today's quota left exceeds the reserve: an unverified registration's check may spend it. */
    public boolean spareForUnverified(int usedToday, Instant now, Instant quotaResetsAt) {
        return (long) dailyQuota - usedToday > reserve(now, quotaResetsAt);
    }

    /** Today's quota kept back from unverified checks: a share of what the gate can still call before the reset. */
    public double reserve(Instant now, Instant quotaResetsAt) {
        double secondsLeft = Math.max(0, Duration.between(now, quotaResetsAt).toMillis() / 1000.0);
        return unverifiedReserve * pacedPerSecond * secondsLeft;
    }
}
