package id.gelombang.wave.draw;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.persistence.WaveDrawStatement;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Draws a closed draw wave: the seed fixed at creation ranks every eligible registration and the
 * {@code quota} lowest ranks are selected, all inside PostgreSQL in one transaction that also
 * marks the wave drawn. The transaction holds the wave's row lock, so concurrent calls make one
 * draw: the later ones wait and then answer the draw already made. What must commit with the
 * verdicts (the outcome notices) runs in the same transaction ({@link DrawFollowUp}).
 */
@ApplicationScoped
public class WaveDraw {

    /** Seconds a reader of the ranks waits before asking again while the draw's file is written. */
    private static final String RANKS_RETRY_AFTER = "30";

    private final WaveDrawStatement statement;
    private final Instance<DrawFollowUp> followUps;
    private final OperatorAudit audit;
    private final DrawSeedSeal seal;
    private final RanksFile ranksFile;
    private final DrawConfig config;
    private final Clock clock;

    public WaveDraw(WaveDrawStatement statement, Instance<DrawFollowUp> followUps, OperatorAudit audit,
            DrawSeedSeal seal, RanksFile ranksFile, DrawConfig config, Clock clock) {
        this.statement = statement;
        this.ranksFile = ranksFile;
        this.followUps = followUps;
        this.config = config;
        this.audit = audit;
        this.seal = seal;
        this.clock = clock;
    }

    /**
     * Draws the wave. {@code seedHex} is the seed made outside the system, for a wave created with a
     * drawCommitment (required then, refused otherwise); null when the system made the seed.
     */
    @WithTransaction
    public Uni<DrawResult> draw(String code, String actor, String seedHex) {
        byte[] given = seedHex == null ? null : DrawSeed.parse(seedHex);
        return statement.allowUpTo(config.timeLimit())
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
                        return Uni.createFrom().item(made);
                    }
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    if (wave.statusAt(now) != WaveStatus.CLOSED) {
                        throw ProblemType.WAVE_NOT_CLOSED.exception(
                                "The draw runs after the wave closes (" + wave.closesAt + "); close it early with POST .../close.");
                    }
                    byte[] seed = seedFor(wave, given);
                    return statement.run(seed, wave.id, wave.quota, wave.drawRequiresVerifiedNik, now)
                            .chain(drawn -> statement.fillPlacesReleasedMeanwhile(wave.id, wave.quota, drawn, now))
                            .chain(outcome -> record(wave, seed, outcome, actor, now));
                });
    }

    /** Keeps the draw's outcome on the wave, then its follow-ups and its audit entry, and returns it as published. */
    private Uni<DrawResult> record(Wave wave, byte[] seed, WaveDrawStatement.Outcome outcome, String actor, Instant now) {
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
        return statement.forgetWithdrawals(wave.id)
                .chain(() -> followUp(wave, now))
                .chain(() -> audit.record(actor, OperatorAction.DRAW, wave.code, details, now))
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

    /** Every follow-up, one after the other, in the draw's transaction. */
    private Uni<Void> followUp(Wave wave, Instant now) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (DrawFollowUp followUp : followUps) {
            done = done.chain(() -> followUp.drawn(wave.id, wave.notifyNotSelected, now));
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
