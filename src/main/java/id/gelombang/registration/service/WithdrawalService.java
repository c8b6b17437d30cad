package id.gelombang.registration.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.database.Deadline;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.persistence.ErasureStore;
import id.gelombang.registration.persistence.RegistrationStore;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * The registrant's withdrawal (UU PDP: withdrawing consent, erasure). Under the registration's row
 * lock, so no confirm, upload event or email call can interleave: the KTP objects are deleted from
 * S3 first, then in one transaction the registration gives back its NIK, family-card and wave
 * places, its personal data is erased, its jobs cancelled, and its stored reply becomes a 410. If
 * anything fails nothing is committed and the registrant's retry does it all again.
 */
@ApplicationScoped
public class WithdrawalService {

    private final RegistrationAccess access;
    private final RegistrationStore store;
    private final ErasureStore erasure;
    private final StoredPhotos storage;
    private final FunnelCounters funnel;
    private final StoredReplies replies;
    private final Deadline deadline;
    private final Vertx vertx;
    private final Clock clock;

    public WithdrawalService(RegistrationAccess access, RegistrationStore store, ErasureStore erasure, StoredPhotos storage,
            FunnelCounters funnel, StoredReplies replies, Deadline deadline, Vertx vertx, Clock clock) {
        this.access = access;
        this.store = store;
        this.erasure = erasure;
        this.storage = storage;
        this.funnel = funnel;
        this.replies = replies;
        this.deadline = deadline;
        this.vertx = vertx;
        this.clock = clock;
    }

    /** Withdraws the registration; withdrawing it again changes nothing. */
    @WithTransaction
    public Uni<Void> withdraw(String registrationId, String authorization) {
        return deadline.bound(access.authorizeForUpdate(registrationId, authorization, true).chain(registration -> {
            if (registration.status == RegistrationStatus.WITHDRAWN) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            UUID id = registration.id;
            List<String> photos = Stream.of(registration.ktpPendingKey, registration.ktpObjectKey).filter(Objects::nonNull).toList();
            // S3 calls block: run them on a worker, then come back to this request's context for the database.
            return vertx.executeBlocking(Uni.createFrom().item(() -> {
                storage.deleteAll(photos);
                return photos.size();
            }))
                    .chain(() -> store.rememberWithdrawalFromDraw(id))
                    .chain(() -> store.release(id, now))
                    .chain(() -> erasure.erase(List.of(id), now))
                    .chain(() -> store.markWithdrawn(id, now))
                    .chain(() -> replies.replaceWith(id,
                            ProblemType.WITHDRAWN.problem("This registration was withdrawn and its personal data erased.")))
                    .chain(() -> funnel.move(id, registration.waveId, null, FunnelStage.WITHDRAWN));
        }));
    }
}
