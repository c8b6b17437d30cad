package id.gelombang.verification.service;

import java.time.Instant;
import java.util.Optional;

import id.gelombang.verification.domain.ClaimScope;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import io.smallrye.mutiny.Uni;

/** The work behind one job kind. */
public interface JobHandler<E> {

    JobKind kind();

    /**
     * Which due jobs a worker may claim now; empty when none may (the outside service's quota for
     * today is used up). By default every due job, in priority order.
     */
    default Optional<ClaimScope> claimScope(Instant now) {
        return Optional.of(ClaimScope.any(now));
    }

    /** Makes the outside call. Runs on a worker thread, outside any transaction; may block. */
    JobResult<E> perform(ClaimedJob job);

    /** Records a completed job's effect, in the transaction that closes the job (lease still held). */
    Uni<Void> record(ClaimedJob job, E effect);

    /** Records that the job ended without success, in the transaction that ends it. */
    Uni<Void> giveUp(ClaimedJob job, String reason);
}
