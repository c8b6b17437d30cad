package id.gelombang.wave.draw;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.crypto.PersonalDataProtection;
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

    private final WaveDrawStatement statement;
    private final Instance<DrawFollowUp> followUps;
    private final OperatorAudit audit;
    private final PersonalDataProtection protection;
    private final DrawConfig config;
    private final Clock clock;

    public WaveDraw(WaveDrawStatement statement, Instance<DrawFollowUp> followUps, OperatorAudit audit,
            PersonalDataProtection protection, DrawConfig config, Clock clock) {
        this.statement = statement;
        this.followUps = followUps;
        this.config = config;
        this.audit = audit;
        this.protection = protection;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<DrawResult> draw(String code, String actor) {
        return statement.allowUpTo(config.timeLimit())
                .chain(() -> Wave.findByCodeForUpdate(code))
                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave with this code."))
                .chain(wave -> {
                    if (!wave.isDraw()) {
                        throw ProblemType.NOT_A_DRAW_WAVE.exception("This wave is first come, first served; it has no draw.");
                    }
                    if (wave.drawnAt != null) {
                        return Uni.createFrom().item(published(wave));
                    }
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                    if (wave.statusAt(now) != WaveStatus.CLOSED) {
                        throw ProblemType.WAVE_NOT_CLOSED.exception(
                                "The draw runs after the wave closes (" + wave.closesAt + "); close it early with POST .../close.");
                    }
                    byte[] seed = protection.decrypt(wave.drawSeed, wave.drawSeedContext());
                    return statement.run(seed, wave.id, wave.quota, wave.drawRequiresVerifiedNik, now).chain(outcome -> {
                        wave.drawnAt = now;
                        wave.drawEligible = outcome.eligible();
                        wave.drawSelected = outcome.selected();
                        Map<String, Object> details = new LinkedHashMap<>();
                        details.put("quota", wave.quota);
                        details.put("drawRequiresVerifiedNik", wave.drawRequiresVerifiedNik);
                        details.put("notifyNotSelected", wave.notifyNotSelected);
                        details.put("drawCommitment", wave.drawCommitment);
                        details.put("eligible", outcome.eligible());
                        details.put("selected", outcome.selected());
                        return followUp(wave, now)
                                .chain(() -> audit.record(actor, OperatorAction.DRAW, wave.code, details, now))
                                .map(recorded -> DrawResult.of(wave.code, seed, wave.drawCommitment,
                                        outcome.eligible(), outcome.selected()));
                    });
                });
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
        byte[] seed = protection.decrypt(wave.drawSeed, wave.drawSeedContext());
        return DrawResult.of(wave.code, seed, wave.drawCommitment, wave.drawEligible, wave.drawSelected);
    }
}
