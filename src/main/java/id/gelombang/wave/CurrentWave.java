package id.gelombang.wave;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which wave is current at an instant: of the waves not yet closed, the earliest-opened (ties: the
 * lowest id). It is open when it has opened, else it is the next to open; there is none when every
 * wave has closed. The database's {@code current_wave} (db/migration R__registration.sql) is the
 * same rule, asked by the registration statement and {@code Wave.currentOrNext}; this one serves the
 * in-memory copies of the waves (KnownWaves, PublishedSchedule). A test holds both to one answer.
 */
public final class CurrentWave {

    private CurrentWave() {
    }

    /** What the rule reads of a wave. */
    public interface Scheduled {

        long id();

        Instant opensAt();

        Instant closesAt();

        default WaveStatus statusAt(Instant now) {
            return CurrentWave.statusAt(opensAt(), closesAt(), now);
        }
    }

    /** A wave's status at {@code now}: open from its opening instant until, not including, its closing one. */
    public static WaveStatus statusAt(Instant opensAt, Instant closesAt, Instant now) {
        if (now.isBefore(opensAt)) {
            return WaveStatus.UPCOMING;
        }
        return now.isBefore(closesAt) ? WaveStatus.OPEN : WaveStatus.CLOSED;
    }

    /** The current wave at {@code now}: open, else the next to open; empty when every wave has closed. */
    public static <W extends Scheduled> Optional<W> currentOrNext(Collection<W> waves, Instant now) {
        return waves.stream().filter(w -> w.closesAt().isAfter(now))
                .min(Comparator.comparing(Scheduled::opensAt).thenComparingLong(Scheduled::id));
    }

    /** The current wave if it is open at {@code now}. */
    public static <W extends Scheduled> Optional<W> openAt(Collection<W> waves, Instant now) {
        return currentOrNext(waves, now).filter(w -> w.statusAt(now) == WaveStatus.OPEN);
    }
}
