package id.gelombang.verification.service;

import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.persistence.JobQueue.ClaimedJob;
import io.smallrye.mutiny.Uni;

/** The work behind one job kind. */
public interface JobHandler<E> {

    JobKind kind();

    /** Makes the outside call. Runs on a worker thread, outside any transaction; may block. */
    JobResult<E> perform(ClaimedJob job);

    /** Records a completed job's effect, in the transaction that closes the job (lease still held). */
    Uni<Void> record(ClaimedJob job, E effect);

    /** Records that the job ended without success, in the transaction that ends it. */
    Uni<Void> giveUp(ClaimedJob job, String reason);
}
