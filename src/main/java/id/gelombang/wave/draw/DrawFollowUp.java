package id.gelombang.wave.draw;

import java.time.Instant;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Work that goes with a draw's verdicts (the outcome notices). Features above the wave implement it,
 * so the draw does not depend on them. Nothing of it runs in the draw's publication, which holds the
 * releases of the wave: what a release also writes (a notice it asks for) must not wait for it.
 */
public interface DrawFollowUp {

    /**
     * In the transaction of one batch of verdicts, once it wrote them: draw_rank holds the wave's
     * registrations the batch gave a verdict to, those with ids in ({@code after}, {@code last}].
     * {@code notifyNotSelected}: the NOT_SELECTED registrants are to be told too. Nothing of it may be
     * shown or sent before the draw is published, which it is by {@code publishedBy} or never.
     * Set-based, never a statement per registration.
     */
    Uni<Void> verdictsWritten(long waveId, UUID after, UUID last, boolean notifyNotSelected, Instant publishedBy, Instant now);

    /**
     * In a transaction of its own, once the draw is published and before its ranks are forgotten: what
     * waited for {@code publishedBy} may go now. Its failure changes nothing of the draw.
     */
    Uni<Void> published(long waveId, Instant publishedBy, Instant now);
}
