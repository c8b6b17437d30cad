package id.gelombang.wave.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.audit.OperatorAction;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.wave.RetentionScope;
import id.gelombang.wave.WaveRules;
import id.gelombang.wave.WaveSelection;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.draw.DrawSeed;
import id.gelombang.wave.draw.DrawSeedSeal;
import id.gelombang.common.funnel.FunnelCounters;
import id.gelombang.wave.persistence.Wave;
import id.gelombang.wave.persistence.WavePlaces;
import id.gelombang.wave.schedule.WaveSchedule;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Operators' control of waves. Changes take the wave's row lock; a change of a first-come wave's
 * quota also locks the wave's place shards, which registrations claim places in, so the quota can
 * never be set below what is registered (the shards' trigger then spreads the places left over them).
 * Every action appends its entry to the operators' audit trail in its own transaction.
 */
@ApplicationScoped
public class WaveAdministration {

    private final FunnelCounters funnel;
    private final WavePlaces places;
    private final OperatorAudit audit;
    private final DrawSeedSeal seal;
    private final WaveSchedule schedule;
    private final VerificationQueues queues;
    private final Clock clock;

    public WaveAdministration(FunnelCounters funnel, WavePlaces places, OperatorAudit audit, DrawSeedSeal seal,
            WaveSchedule schedule, VerificationQueues queues, Clock clock) {
        this.funnel = funnel;
        this.places = places;
        this.audit = audit;
        this.seal = seal;
        this.schedule = schedule;
        this.queues = queues;
        this.clock = clock;
    }

    /**
     * Defines a wave. A draw wave gets its secret seed now, stored encrypted, and publishes only
     * the seed's SHA-256 until the draw reveals it.
     */
    public Uni<OperatorWaveView> create(WaveDefinition definition, String actor) {
        Instant now = clock.instant();
        int householdLimit = definition.householdLimit() == null ? WaveRules.DEFAULT_HOUSEHOLD_LIMIT : definition.householdLimit();
        int retentionDays = definition.retentionDays() == null ? WaveRules.DEFAULT_RETENTION_DAYS : definition.retentionDays();
        String retentionScope = definition.retentionScope() == null ? RetentionScope.NOT_SELECTED.name() : definition.retentionScope();
        FieldErrors errors = new FieldErrors();
        WaveRules.checkCode(definition.code(), errors);
        WaveRules.checkSchedule(definition.opensAt(), definition.closesAt(), definition.quota(), householdLimit, now, errors);
        WaveRules.checkRetention(retentionDays, retentionScope, errors);
        WaveSelection selection = WaveRules.selection(definition.selection(), definition.drawRequiresVerifiedNik(), errors);
        WaveRules.checkDrawOnly("notifyNotSelected", definition.notifyNotSelected(), selection, errors);
        WaveRules.checkDrawCommitment(definition.drawCommitment(), selection, errors);
        if (selection == WaveSelection.DRAW && definition.drawCommitment() == null && !seal.canSeal()) {
            errors.add("drawCommitment", "is required: this deployment has no draw key to seal a seed it would generate "
                    + "(docs/wave-runbook.md, \"The draw's key\")");
        }
        failIfInvalid(errors);
        return changeThenPublish(now, () -> Wave.findByCode(definition.code()).chain(existing -> {
            if (existing != null) {
                throw ProblemType.WAVE_EXISTS.exception("Choose another code or change the existing wave.");
            }
            Wave wave = new Wave();
            wave.code = definition.code();
            wave.opensAt = definition.opensAt().truncatedTo(ChronoUnit.SECONDS);
            wave.closesAt = definition.closesAt().truncatedTo(ChronoUnit.SECONDS);
            wave.quota = definition.quota();
            wave.householdLimit = householdLimit;
            wave.retentionDays = retentionDays;
            wave.retentionScope = RetentionScope.valueOf(retentionScope);
            wave.selection = selection.name();
            if (selection == WaveSelection.DRAW) {
                wave.drawRequiresVerifiedNik = Boolean.TRUE.equals(definition.drawRequiresVerifiedNik());
                wave.notifyNotSelected = Boolean.TRUE.equals(definition.notifyNotSelected());
                if (definition.drawCommitment() != null) {
                    // Made outside: the system never holds the seed before the draw.
                    wave.drawSeedOutside = true;
                    wave.drawCommitment = definition.drawCommitment();
                } else {
                    byte[] seed = DrawSeed.generate();
                    wave.drawSeed = seal.seal(seed, wave.drawSeedContext());
                    wave.drawCommitment = DrawSeed.commitment(seed);
                }
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("code", wave.code);
            details.put("opensAt", wave.opensAt);
            details.put("closesAt", wave.closesAt);
            details.put("quota", wave.quota);
            details.put("householdLimit", wave.householdLimit);
            details.put("selection", wave.selection);
            details.put("retentionDays", wave.retentionDays);
            details.put("retentionScope", wave.retentionScope);
            if (wave.isDraw()) {
                details.put("drawRequiresVerifiedNik", wave.drawRequiresVerifiedNik);
                details.put("notifyNotSelected", wave.notifyNotSelected);
                details.put("drawCommitment", wave.drawCommitment);
                details.put("drawSeedOutside", wave.drawSeedOutside);
            }
            return wave.<Wave>persistAndFlush()
                    .call(saved -> audit.record(actor, OperatorAction.CREATE_WAVE, saved.code, details, now))
                    .map(saved -> OperatorWaveView.of(saved, now));
        }));
    }

    public Uni<OperatorWaveView> change(String code, WaveChange change, String actor) {
        Instant now = clock.instant();
        return changeThenPublish(now, () -> lock(code).chain(wave -> {
            WaveStatus status = wave.statusAt(now);
            int retentionDays = change.retentionDays() == null ? wave.retentionDays : change.retentionDays();
            String retentionScope = change.retentionScope() == null ? wave.retentionScope.name() : change.retentionScope();
            if (status == WaveStatus.CLOSED) {
                // Retention matters most after the close, so it stays changeable; nothing else does.
                if (change.changesSchedule()) {
                    throw ProblemType.WAVE_CLOSED.exception("A closed wave cannot change, except its retention settings.");
                }
                FieldErrors retention = new FieldErrors();
                WaveRules.checkRetention(retentionDays, retentionScope, retention);
                failIfInvalid(retention);
                return changeRetentionAndRecord(wave, retentionDays, retentionScope, new LinkedHashMap<>(), actor, now);
            }
            if (change.opensAt() != null && status == WaveStatus.OPEN && !change.opensAt().equals(wave.opensAt)) {
                throw ProblemType.WAVE_ALREADY_OPEN.exception("The wave is open; only its closing time, quota and household limit can change.");
            }
            Instant opensAt = change.opensAt() == null ? wave.opensAt : change.opensAt().truncatedTo(ChronoUnit.SECONDS);
            Instant closesAt = change.closesAt() == null ? wave.closesAt : change.closesAt().truncatedTo(ChronoUnit.SECONDS);
            int quota = change.quota() == null ? wave.quota : change.quota();
            int householdLimit = change.householdLimit() == null ? wave.householdLimit : change.householdLimit();
            FieldErrors errors = new FieldErrors();
            WaveRules.checkSchedule(opensAt, closesAt, quota, householdLimit, now, errors);
            WaveRules.checkRetention(retentionDays, retentionScope, errors);
            failIfInvalid(errors);
            // A draw wave's quota is how many the draw selects, not a cap on registrations. A first-come
            // wave's new quota is checked against the places taken with every shard of the wave locked.
            Uni<Void> quotaChecked = wave.isDraw() || quota == wave.quota
                    ? Uni.createFrom().voidItem()
                    : places.lockAndCountTaken(wave.id).invoke(taken -> {
                        if (quota < taken) {
                            throw ProblemType.QUOTA_BELOW_REGISTERED.exception(
                                    taken + " registrations are already accepted; the quota cannot be lower.");
                        }
                    }).replaceWithVoid();
            return quotaChecked.chain(() -> {
                Map<String, Object> changed = new LinkedHashMap<>();
                putIfChanged(changed, "opensAt", wave.opensAt, opensAt);
                putIfChanged(changed, "closesAt", wave.closesAt, closesAt);
                putIfChanged(changed, "quota", wave.quota, quota);
                putIfChanged(changed, "householdLimit", wave.householdLimit, householdLimit);
                wave.opensAt = opensAt;
                wave.closesAt = closesAt;
                wave.quota = quota;
                wave.householdLimit = householdLimit;
                return changeRetentionAndRecord(wave, retentionDays, retentionScope, changed, actor, now);
            });
        }));
    }

    /** Sets the retention settings and audits every change made to the wave, those already in {@code changed} too. */
    private Uni<OperatorWaveView> changeRetentionAndRecord(Wave wave, int retentionDays, String retentionScope,
            Map<String, Object> changed, String actor, Instant now) {
        putIfChanged(changed, "retentionDays", wave.retentionDays, retentionDays);
        putIfChanged(changed, "retentionScope", wave.retentionScope.name(), retentionScope);
        wave.retentionDays = retentionDays;
        wave.retentionScope = RetentionScope.valueOf(retentionScope);
        return audit.record(actor, OperatorAction.CHANGE_WAVE, wave.code, changed, now)
                .map(recorded -> OperatorWaveView.of(wave, now));
    }

    /** Closes a wave now; an upcoming wave is closed before it ever opens. */
    public Uni<OperatorWaveView> close(String code, String actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return changeThenPublish(now, () -> lock(code).chain(wave -> {
            if (wave.statusAt(now) == WaveStatus.CLOSED) {
                throw ProblemType.WAVE_CLOSED.exception("The wave is already closed.");
            }
            Map<String, Object> changed = new LinkedHashMap<>();
            wave.closesAt = now;
            changed.put("closesAt", now);
            if (!wave.opensAt.isBefore(now)) {
                wave.opensAt = now.minusSeconds(1);
                changed.put("opensAt", wave.opensAt);
            }
            return audit.record(actor, OperatorAction.CLOSE_WAVE, wave.code, changed, now)
                    .map(recorded -> OperatorWaveView.of(wave, now));
        }));
    }

    /**
     * Runs an operator's change in its transaction, then publishes the schedule from what is
     * committed: a change that fails to commit never reaches the published schedule.
     */
    private Uni<OperatorWaveView> changeThenPublish(Instant now, Supplier<Uni<OperatorWaveView>> change) {
        return Panache.withTransaction(change).call(() -> schedule.publishAfterCommit(now));
    }

    /** Operators' reads reach the database anyway: each repairs a schedule whose publication was missed. */
    @WithSession
    public Uni<List<OperatorWaveView>> list() {
        Instant now = clock.instant();
        return schedule.repairIfBehind(now).chain(() -> Wave.<Wave>listAll(Sort.by("opensAt")))
                .map(waves -> waves.stream().map(w -> OperatorWaveView.of(w, now)).toList());
    }

    @WithSession
    public Uni<OperatorWaveView> get(String code) {
        Instant now = clock.instant();
        return schedule.repairIfBehind(now).chain(() -> find(code)).map(wave -> OperatorWaveView.of(wave, now));
    }

    /**
     * Reads one wave row with its place shards and at most stages x 16 counter rows, cheap at any wave
     * size, and counts the NIK checks due (a walk of the open checks, whose cost grows with the NIK queue).
     */
    @WithSession
    public Uni<FunnelView> funnel(String code) {
        Instant now = clock.instant();
        return schedule.repairIfBehind(now).chain(() -> find(code)).chain(wave -> funnel.counts(wave.id).chain(counts -> queues.nikChecksDue(wave.id, now)
                .map(due -> new FunnelView(wave.code,
                        FunnelView.WaveCounts.of(wave.quota, wave.registeredCount, wave.remaining(), counts, due),
                        now.truncatedTo(ChronoUnit.SECONDS)))));
    }

    private static Uni<Wave> find(String code) {
        return Wave.findByCode(code).onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave with this code."));
    }

    private static void putIfChanged(Map<String, Object> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.put(field, after);
        }
    }

    private static Uni<Wave> lock(String code) {
        return Wave.findByCodeForUpdate(code)
                .onItem().ifNull().failWith(() -> ProblemType.NOT_FOUND.exception("No wave with this code."));
    }

    private static void failIfInvalid(FieldErrors errors) {
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION.problem("The wave definition has invalid fields.", errors.list()));
        }
    }
}
