package id.gelombang.wave.draw;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.problem.Faults;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.persistence.WaveDrawStatement;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Draws a closed draw wave: the seed fixed at creation ranks every eligible registration and the
 * {@code quota} lowest ranks are selected, inside PostgreSQL, in short transactions so that no
 * registration's row is held for longer than one batch (docs/decisions/0009-draw-waves.md): the
 * ranking (locks no registration), the verdicts in batches with their outcome notices
 * ({@link DrawFollowUp}; nobody is shown or sent a verdict before the draw is published), then the
 * publication, which gives the places released meanwhile to the next ranks and marks the wave drawn
 * with its audit entry. The call that makes a draw marks the wave as its own on a lease it renews
 * with each batch; concurrent calls wait for its draw and answer it, and take over once the lease has
 * run out (the call died); a batch or a publication of a call that was taken over stops. A draw that stopped halfway is run
 * again from its ranking and ends with the same verdicts, unless who is eligible changed meanwhile.
 */
@ApplicationScoped
public class WaveDraw {

    /** Seconds a reader of the ranks waits before asking again while the draw's file is written. */
    private static final String RANKS_RETRY_AFTER = "30";

    /** How often a call waiting for another's draw asks whether it is published. */
    private static final Duration WAITING_POLL = Duration.ofMillis(200);

    /**
     * How long the publication waits for the releases committing in the wave before it lets them go
     * and tries again: every release that comes meanwhile queues behind it, and fails at its own lock
     * timeout (3 s).
     */
    static final Duration HOLD_WAIT = Duration.ofSeconds(1);

    /**
     * How long a call making a draw holds it without renewing (each batch and each try of the
     * publication renews it): a call that died blocks the next for this long, not for its whole time
     * limit (12 minutes in DrawFunction).
     */
    static final Duration LEASE = Duration.ofSeconds(30);

    /**
     * From a draw's time limit to the latest moment its publication can commit: every statement of it
     * ends by the time limit (each one's timeouts are what is left of it); this covers the commit.
     */
    private static final Duration COMMIT_MARGIN = Duration.ofMinutes(1);

    private final WaveDrawStatement statement;
    private final Instance<DrawFollowUp> followUps;
    private final OperatorAudit audit;
    private final DrawSeedSeal seal;
    private final RanksFile ranksFile;
    private final DrawConfig config;
    private final Clock clock;
    private final Vertx vertx;

    public WaveDraw(WaveDrawStatement statement, Instance<DrawFollowUp> followUps, OperatorAudit audit,
            DrawSeedSeal seal, RanksFile ranksFile, DrawConfig config, Clock clock, Vertx vertx) {
        this.statement = statement;
        this.ranksFile = ranksFile;
        this.followUps = followUps;
        this.config = config;
        this.audit = audit;
        this.seal = seal;
        this.clock = clock;
        this.vertx = vertx;
    }

    /** Where a draw call stands after its first transaction. */
    private sealed interface Start {
    }

    /** The draw was made already: its result. */
    private record Made(DrawResult result) implements Start {
    }

    /** Another call is making the draw, until {@code until} at the latest. */
    private record Waiting(Instant until) implements Start {
    }

    /**
     * This call ranked the wave and makes its draw, by {@code until} (its time limit), marked as the
     * wave's drawing {@code call} on a lease it renews.
     */
    private record Ranked(long waveId, String code, byte[] seed, boolean notifyNotSelected, Instant now, Instant until, UUID call)
            implements Start {
    }

    /**
     * By when a draw marked as running until {@code drawRunningUntil} is published, or never will be by
     * that call: what waits for a draw's verdicts to be shown waits until then at most.
     */
    public static Instant publishedBy(Instant drawRunningUntil) {
        return drawRunningUntil.plus(COMMIT_MARGIN);
    }

    /**
     * Draws the wave. {@code seedHex} is the seed made outside the system, for a wave created with a
     * drawCommitment (required then, refused otherwise); null when the system made the seed.
     */
    public Uni<DrawResult> draw(String code, String actor, String seedHex) {
        byte[] given = seedHex == null ? null : DrawSeed.parse(seedHex);
        Instant deadline = clock.instant().plus(config.timeLimit()).truncatedTo(ChronoUnit.MILLIS);
        return draw(code, actor, given, deadline);
    }

    private Uni<DrawResult> draw(String code, String actor, byte[] given, Instant deadline) {
        return Panache.withTransaction(() -> start(code, given, deadline)).chain(start -> {
            if (start instanceof Made made) {
                return Uni.createFrom().item(made.result());
            }
            if (start instanceof Waiting waiting) {
                if (!clock.instant().isBefore(deadline)) {
                    throw new ProblemException(ProblemType.UNAVAILABLE.problem(
                            "This wave's draw is being made by an earlier call. Ask again shortly for its result."),
                            Map.of("Retry-After", "5"));
                }
                return pause().chain(() -> draw(code, actor, given, deadline));
            }
            Ranked ranked = (Ranked) start;
            return writeVerdicts(ranked, null)
                    .chain(() -> publish(ranked, actor))
                    .call(() -> Panache.withTransaction(() -> followUpPublished(ranked)).onFailure().recoverWithNull())
                    .call(() -> Panache.withTransaction(() -> statement.forgetRanks(ranked.waveId()))
                            .onFailure().recoverWithNull())
                    .onFailure().call(() -> Panache.withTransaction(
                            () -> statement.abandon(ranked.waveId(), ranked.call())).onFailure().recoverWithNull());
        });
    }

    /**
     * The first transaction: the wave's row locked, the request checked; then either the draw already
     * made, another call's draw to wait for, or this call's ranking.
     */
    private Uni<Start> start(String code, byte[] given, Instant deadline) {
        return within(deadline)
                .chain(() -> statement.lockWave(code))
                .chain(exists -> exists ? Wave.findByCode(code) : Uni.createFrom().<Wave>nullItem())
                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave with this code."))
                .chain(wave -> {
                    if (!wave.isDraw()) {
                        throw ProblemType.NOT_A_DRAW_WAVE.exception("This wave is first come, first served; it has no draw.");
                    }
                    if (wave.drawnAt != null) {
                        DrawResult made = published(wave);
                        if (given != null && !DrawSeed.commitment(given).equals(wave.drawCommitment)) {
                            throw ProblemType.SEED_MISMATCH.exception("This is not the seed the wave's draw was made with.");
                        }
                        return Uni.createFrom().<Start>item(new Made(made));
                    }
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    if (wave.statusAt(now) != WaveStatus.CLOSED) {
                        throw ProblemType.WAVE_NOT_CLOSED.exception(
                                "The draw runs after the wave closes (" + wave.closesAt + "); close it early with POST .../close.");
                    }
                    return statement.drawRunningUntil(wave.id).chain(until -> {
                        if (until != null && until.isAfter(now)) {
                            return Uni.createFrom().<Start>item(new Waiting(until));
                        }
                        byte[] seed = seedFor(wave, given);
                        UUID call = UUID.randomUUID();
                        return statement.rank(seed, wave.id, wave.quota, wave.drawRequiresVerifiedNik)
                                .call(() -> statement.markDrawRunning(wave.id, call, leaseUntil(deadline)))
                                .map(ranked -> new Ranked(wave.id, wave.code, seed, wave.notifyNotSelected, now, deadline, call));
                    });
                });
    }

    /** Every batch of verdicts after {@code after}, one after the other, until none is left. */
    private Uni<Void> writeVerdicts(Ranked ranked, UUID after) {
        return writeBatch(ranked, after).chain(last -> last == null ? Uni.createFrom().voidItem() : writeVerdicts(ranked, last));
    }

    /**
     * The next batch of verdicts after {@code after}, in its own transaction with its outcome notices;
     * returns its last id (null: none was left). It first checks that the draw is still this call's
     * and keeps it so until it commits. It waits for a row held by someone else at most
     * {@link #HOLD_WAIT}, since every row it updated meanwhile stays locked (a withdrawal of one would
     * wait too), and is tried again after a pause, as after a deadlock.
     */
    private Uni<UUID> writeBatch(Ranked ranked, UUID after) {
        return renewLease(ranked).chain(() -> Panache.withTransaction(() -> within(ranked.until(), HOLD_WAIT)
                .chain(statement::readByKeyOnly)
                .chain(() -> statement.stillDrawing(ranked.waveId(), ranked.call(), leaseUntil(ranked.until())))
                .chain(mine -> {
                    if (!mine) {
                        throw takenOver();
                    }
                    return statement.writeVerdicts(ranked.waveId(), after, config.batchSize(), ranked.now());
                })
                .call(batch -> batch.last() == null ? Uni.createFrom().voidItem() : followUpVerdicts(ranked, after, batch.last()))
                .map(WaveDrawStatement.Batch::last)))
                .onFailure(failure -> Faults.isLockTimeout(failure) || Faults.isDeadlock(failure))
                .recoverWithUni(() -> pause().chain(() -> writeBatch(ranked, after)));
    }

    /**
     * Publishes the draw, again after a pause while it could not have a lock at once: the releases in
     * the wave did not let it hold them within {@link #HOLD_WAIT}, or a next rank it would promote is
     * held by another transaction (one being released may wait for the publication's hold on
     * releases); and after a deadlock, which PostgreSQL ends by failing one of the transactions in it.
     */
    private Uni<DrawResult> publish(Ranked ranked, String actor) {
        return renewLease(ranked).chain(() -> Panache.withTransaction(() -> publishOnce(ranked, actor)))
                .onFailure(failure -> Faults.isLockTimeout(failure) || Faults.isDeadlock(failure))
                .recoverWithUni(() -> pause().chain(() -> publish(ranked, actor)));
    }

    /**
     * The last transaction: the draw published at once. With the releases held (and nothing before
     * that a release could wait for), the count of what is left ranked, the places released meanwhile
     * given to the next ranks, and the wave marked drawn. Each statement may run for what is left of
     * the time limit, no longer.
     */
    private Uni<DrawResult> publishOnce(Ranked ranked, String actor) {
        Instant until = ranked.until();
        Instant publishedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return within(until)
                .chain(() -> statement.lockWave(ranked.code()))
                .chain(() -> Wave.findByCode(ranked.code()))
                .chain(wave -> statement.stillDrawing(wave.id, ranked.call(), leaseUntil(until)).chain(mine -> {
                    if (!mine) {
                        throw takenOver();
                    }
                    return within(until)
                            .chain(() -> statement.forgetWithdrawals(wave.id))
                            .chain(() -> within(until))
                            .chain(() -> statement.holdReleases(wave.id, shorter(HOLD_WAIT, until)))
                            .chain(() -> within(until))
                            .chain(() -> statement.countRanks(wave.id))
                            .call(() -> within(until))
                            .chain(counted -> statement.fillPlacesReleasedMeanwhile(wave.id, wave.quota, counted, publishedAt))
                            .call(() -> within(until))
                            .chain(outcome -> statement.clearDrawRunning(wave.id, ranked.call())
                                    .chain(() -> record(wave, ranked, outcome, actor, publishedAt)));
                }));
    }

    /**
     * Renews this call's lease in a transaction of its own before each try of a batch or of the
     * publication, so that tries that fail (a row held, the releases not let go in time) and are run
     * again do not take their renewal with them; 503 once another call took the draw over. Each try
     * checks again, in its own transaction, that the draw is still this call's.
     */
    private Uni<Void> renewLease(Ranked ranked) {
        return Panache.withTransaction(() -> within(ranked.until(), HOLD_WAIT)
                .chain(() -> statement.stillDrawing(ranked.waveId(), ranked.call(), leaseUntil(ranked.until()))))
                .invoke(mine -> {
                    if (!mine) {
                        throw takenOver();
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Until when a lease renewed now runs: another call takes the draw over once this call has not
     * renewed it for {@link #LEASE} (it died), or once its time limit has passed.
     */
    private Instant leaseUntil(Instant deadline) {
        Instant lease = clock.instant().plus(LEASE).truncatedTo(ChronoUnit.MILLIS);
        return lease.isBefore(deadline) ? lease : deadline;
    }

    private static ProblemException takenOver() {
        return new ProblemException(ProblemType.UNAVAILABLE.problem(
                "This draw stopped renewing its lease and another call took it over. Ask again for its result."),
                Map.of("Retry-After", "5"));
    }

    /** {@code wait}, or what is left of the time limit when that is less. */
    private Duration shorter(Duration wait, Instant deadline) {
        Duration left = remaining(deadline);
        return left.compareTo(wait) < 0 ? left : wait;
    }

    /** Limits this transaction to what is left of the draw's time limit; 503 once nothing is left. */
    private Uni<Void> within(Instant deadline) {
        return Uni.createFrom().item(() -> remaining(deadline)).chain(statement::allowUpTo);
    }

    /** As {@link #within(Instant)}, each lock waited for at most {@code lockWait}. */
    private Uni<Void> within(Instant deadline, Duration lockWait) {
        return Uni.createFrom().item(() -> remaining(deadline))
                .chain(left -> statement.allowUpTo(left, left.compareTo(lockWait) < 0 ? left : lockWait));
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new ProblemException(ProblemType.UNAVAILABLE.problem(
                    "The draw did not finish within its time limit; nothing is published. Run it again."),
                    Map.of("Retry-After", "5"));
        }
        return left;
    }

    private Uni<Void> pause() {
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(WAITING_POLL.toMillis(), id -> emitter.complete(null)));
    }

    /**
     * Keeps the draw's outcome on the wave, then its audit entry, and returns it as published. It is
     * drawn as of its publication (the audit trail's order), ranked as of its ranking.
     */
    private Uni<DrawResult> record(Wave wave, Ranked ranked, WaveDrawStatement.Outcome outcome, String actor, Instant now) {
        byte[] seed = ranked.seed();
        wave.drawnAt = now;
        wave.drawEligible = outcome.eligible();
        wave.drawSelected = outcome.selected();
        wave.drawSeedRevealed = seed;
        wave.drawCutoffRank = outcome.selected() < outcome.eligible() ? outcome.highestSelectedRank() : null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("quota", wave.quota);
        details.put("drawRequiresVerifiedNik", wave.drawRequiresVerifiedNik);
        details.put("notifyNotSelected", wave.notifyNotSelected);
        details.put("drawCommitment", wave.drawCommitment);
        details.put("drawSeedOutside", wave.drawSeedOutside);
        details.put("eligible", outcome.eligible());
        details.put("selected", outcome.selected());
        details.put("cutoffRank", wave.drawCutoffRank);
        details.put("rankedAt", ranked.now().toString());
        return audit.record(actor, OperatorAction.DRAW, wave.code, details, now)
                .map(recorded -> published(wave));
    }

    /**
     * The seed the draw ranks with: the one handed in when it was made outside (it must hash to the
     * commitment), else the one the system sealed at the wave's creation.
     */
    private byte[] seedFor(Wave wave, byte[] given) {
        if (wave.drawSeedOutside) {
            if (given == null) {
                throw new ProblemException(ProblemType.VALIDATION.problem("This wave's seed was made outside the system.",
                        new FieldErrors().add("seed", "is required: the seed whose SHA-256 is the wave's drawCommitment").list()));
            }
            if (!DrawSeed.commitment(given).equals(wave.drawCommitment)) {
                throw ProblemType.SEED_MISMATCH.exception("SHA-256 of this seed is not the wave's drawCommitment; nothing was drawn.");
            }
            return given;
        }
        if (given != null) {
            throw new ProblemException(ProblemType.VALIDATION.problem("This wave's seed was generated by the system.",
                    new FieldErrors().add("seed", "must be absent: the system generated this wave's seed when it was created "
                            + "and reveals it with the draw").list()));
        }
        return seal.unseal(wave.drawSeed, wave.drawSeedContext());
    }

    /** Every follow-up of one batch of verdicts, one after the other, in the batch's transaction. */
    private Uni<Void> followUpVerdicts(Ranked ranked, UUID after, UUID last) {
        Uni<Void> done = Uni.createFrom().voidItem();
        Instant publishedBy = publishedBy(ranked.until());
        UUID from = after == null ? new UUID(0, 0) : after;
        for (DrawFollowUp followUp : followUps) {
            done = done.chain(() -> followUp.verdictsWritten(ranked.waveId(), from, last, ranked.notifyNotSelected(),
                    publishedBy, ranked.now()));
        }
        return done;
    }

    /**
     * Every follow-up of the published draw, within what is left of its time limit: past it, what
     * waited for the publication goes when it was due ({@link #publishedBy}).
     */
    private Uni<Void> followUpPublished(Ranked ranked) {
        Uni<Void> done = within(ranked.until());
        Instant publishedBy = publishedBy(ranked.until());
        for (DrawFollowUp followUp : followUps) {
            done = done.chain(() -> followUp.published(ranked.waveId(), publishedBy, clock.instant()));
        }
        return done;
    }

    /** The draw as published; 404 before it has been made (the seed stays secret until then). */
    @WithSession
    public Uni<DrawResult> published(String code) {
        return Wave.findByCode(code).map(wave -> {
            if (wave == null || !wave.isDraw() || wave.drawnAt == null) {
                throw ProblemType.NOT_FOUND.exception("No draw has been made for this wave.");
            }
            return published(wave);
        });
    }

    private DrawResult published(Wave wave) {
        // Draws made before the seed was kept revealed still have only the sealed copy.
        byte[] seed = wave.drawSeedRevealed != null ? wave.drawSeedRevealed : seal.unseal(wave.drawSeed, wave.drawSeedContext());
        return DrawResult.of(wave.code, seed, wave.drawCommitment, wave.drawEligible, wave.drawSelected, wave.drawCutoffRank,
                ranksPath(wave.code));
    }

    /**
     * Where the draw's list of ranks can be read now: a short-lived link to its published file (which
     * follows releases after the draw within a run of the ranks schedule). 404 before the draw; 503
     * with Retry-After while the draw's file is still being written.
     */
    @WithSession
    public Uni<URI> ranksLink(String code) {
        return Wave.findByCode(code).map(wave -> {
            if (wave == null || !wave.isDraw() || wave.drawnAt == null) {
                throw ProblemType.NOT_FOUND.exception("No draw has been made for this wave.");
            }
            return ranksFile.link(wave.code, wave.ranksPublished).orElseThrow(() -> new ProblemException(
                    ProblemType.UNAVAILABLE.problem("The draw's list of ranks is being published. Try again shortly."),
                    Map.of("Retry-After", RANKS_RETRY_AFTER)));
        });
    }

    /** Where the draw's full list of ranks is published (WaveResource serves it). */
    public static String ranksPath(String code) {
        return "/v1/waves/" + code + "/draw/ranks";
    }
}
