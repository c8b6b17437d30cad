package id.gelombang.wave.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.storage.UploadConfig;
import id.gelombang.wave.WaveStatus;
import id.gelombang.wave.persistence.Wave;
import io.quarkus.runtime.annotations.RegisterForReflection;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The waves that are open or yet to open, published as one small S3 object whenever they change,
 * so that {@code GET /v1/waves/current} between waves answers without a database connection: any
 * connection resumes a paused Aurora (about 15 s, then ACU-hours), and a public page or a bot
 * polling it must not. Each instance keeps what it read for {@link #FRESH_FOR}. All calls block.
 */
@ApplicationScoped
public class PublishedSchedule {

    /** How stale an instance's copy may be; operators' changes are published at once. */
    static final Duration FRESH_FOR = Duration.ofSeconds(30);
    /**
     * How long a stored registration reply is kept. The contract asks for at least 24 hours; it
     * holds the encrypted registration token, so it goes soon after.
     */
    public static final Duration REPLY_RETENTION = Duration.ofHours(48);

    /** One wave as published: what the public view of a wave and the retention job's timing need. */
    @RegisterForReflection
    public record Entry(String code, Instant opensAt, Instant closesAt, int quota, int registeredCount, int retentionDays,
            String selection, String drawCommitment, Boolean retentionPending) {

        Instant retentionDue() {
            return closesAt.plus(Duration.ofDays(retentionDays));
        }

        /** Until when its stored replies may need forgetting. */
        Instant repliesDueUntil() {
            return closesAt.plus(REPLY_RETENTION).plus(Duration.ofDays(1));
        }

        /**
         * Whether the retention job has still to finish this wave's erasure. A schedule published
         * before the flag existed does not say: then it may have.
         */
        boolean awaitsRetention() {
            return !Boolean.FALSE.equals(retentionPending);
        }

        /** Whether this wave concerns anyone: the public view, stored replies, or a retention not yet done, however late. */
        boolean relevantAt(Instant now) {
            return repliesDueUntil().isAfter(now) || awaitsRetention();
        }

        /**
         * Whether the retention job has work this wave may have made: replies to forget, or personal
         * data to erase. A retention due long ago still counts until the job has done it (the job
         * was down, or the retention was shortened after the close).
         */
        boolean maintenanceDue(Instant now) {
            boolean repliesDue = !now.isBefore(opensAt) && now.isBefore(repliesDueUntil());
            boolean retentionDue = awaitsRetention() && !now.isBefore(retentionDue());
            return repliesDue || retentionDue;
        }

        /** The wave as the view code reads it; never persisted. */
        public Wave toWave() {
            Wave wave = new Wave();
            wave.code = code;
            wave.opensAt = opensAt;
            wave.closesAt = closesAt;
            wave.quota = quota;
            wave.registeredCount = registeredCount;
            wave.retentionDays = retentionDays;
            wave.selection = selection == null ? wave.selection : selection;
            wave.drawCommitment = drawCommitment;
            return wave;
        }
    }

    private record Copy(Instant readAt, Optional<List<Entry>> entries) {
    }

    private final S3Client s3;
    private final Optional<String> bucket;
    private final String key;
    private final ObjectMapper mapper;
    private final Clock clock;
    private volatile Copy copy;

    public PublishedSchedule(S3Client s3, UploadConfig upload,
            @ConfigProperty(name = "gelombang.waves.schedule-key", defaultValue = "schedule/waves.json") String key,
            ObjectMapper mapper, Clock clock) {
        this.s3 = s3;
        this.bucket = upload.bucket();
        this.key = key;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** What the published schedule can say about the current wave. */
    public sealed interface Lookup {
        /** No wave is open: the next one to open, or null when none is scheduled. */
        record NoWaveOpen(Wave next) implements Lookup {
        }

        /** A wave is open: its places left are live figures, only the database has them. */
        record WaveOpen() implements Lookup {
        }

        /** Nothing published yet (a new stack): the database answers and publishes. */
        record NotPublished() implements Lookup {
        }
    }

    public Lookup lookup(Instant now) {
        Optional<List<Entry>> entries = read();
        if (entries.isEmpty()) {
            return new Lookup.NotPublished();
        }
        List<Wave> waves = entries.get().stream().map(Entry::toWave).filter(w -> w.closesAt.isAfter(now))
                .sorted(Comparator.comparing((Wave w) -> w.opensAt)).toList();
        if (waves.stream().anyMatch(w -> w.statusAt(now) == WaveStatus.OPEN)) {
            return new Lookup.WaveOpen();
        }
        return new Lookup.NoWaveOpen(waves.isEmpty() ? null : waves.get(0));
    }

    /**
     * Whether the retention job should ask the database anything at {@code now}: some wave's
     * replies or retention are due, or nothing was published (then it cannot tell). Blocking.
     */
    public boolean maintenanceDue(Instant now) {
        return read().map(entries -> entries.stream().anyMatch(e -> e.maintenanceDue(now))).orElse(true);
    }

    /** The waves that concern anyone at {@code now}: open, upcoming, with replies to forget or a retention not done. */
    public static List<Entry> relevant(List<Entry> waves, Instant now) {
        return waves.stream().filter(e -> e.relevantAt(now)).toList();
    }

    /** Publishes the waves that concern anyone (the caller's list, in any order). */
    public void publish(List<Entry> waves) {
        try {
            s3.putObject(r -> r.bucket(bucket()).key(key).contentType("application/json").cacheControl("no-store"),
                    RequestBody.fromBytes(mapper.writeValueAsBytes(waves)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copy = new Copy(clock.instant(), Optional.of(List.copyOf(waves)));
    }

    /** The schedule lives in the upload bucket; only functions that read or publish it are given it. */
    private String bucket() {
        return bucket.orElseThrow(() -> new IllegalStateException("gelombang.upload.bucket is not set"));
    }

    private Optional<List<Entry>> read() {
        Copy current = copy;
        Instant now = clock.instant();
        if (current != null && current.readAt().plus(FRESH_FOR).isAfter(now)) {
            return current.entries();
        }
        Optional<List<Entry>> entries;
        try {
            entries = Optional.of(mapper.readValue(s3.getObjectAsBytes(r -> r.bucket(bucket()).key(key)).asByteArray(),
                    new TypeReference<List<Entry>>() {
                    }));
        } catch (NoSuchKeyException e) {
            entries = Optional.empty();
        } catch (S3Exception e) {
            // Without s3:ListBucket S3 answers a missing key with 403: nothing published yet.
            if (e.statusCode() != 403 && e.statusCode() != 404) {
                throw e;
            }
            entries = Optional.empty();
        } catch (IOException e) {
            entries = Optional.empty(); // unreadable: the database answers instead, and republishes
        }
        copy = new Copy(now, entries);
        return entries;
    }
}
