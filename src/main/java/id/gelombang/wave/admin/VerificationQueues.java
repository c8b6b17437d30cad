package id.gelombang.wave.admin;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * The verification queues a wave's registrants wait in, as the funnel shows them. The verification
 * feature answers (the wave feature does not reach into its tables).
 */
public interface VerificationQueues {

    /**
     * NIK checks of the wave's registrations that are due and not done, by whether the registrant
     * verified their email; and the open ones, due or not, whose last attempt found the registry down.
     */
    record NikChecksDue(long emailVerified, long emailUnverified, long waitingOnRegistry) {
    }

    /** Needs a session. */
    Uni<NikChecksDue> nikChecksDue(long waveId, Instant now);
}
