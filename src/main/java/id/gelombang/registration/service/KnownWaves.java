package id.gelombang.registration.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.registration.persistence.RegistrationStore.WaveFacts;
import id.gelombang.wave.CurrentWave;

/**
 * This instance's copy of the waves: what a registration is validated against (opening date,
 * household limit) and which replies it prepares. Never trusted for a decision: the registration
 * statement compares the facts a request used with the table, answers STALE on any difference and
 * sends every wave as it is, which replaces this copy. So the copy needs no expiry and no query of
 * its own: a new instance learns the waves from its first registration's STALE answer.
 */
@ApplicationScoped
public class KnownWaves {

    private volatile List<WaveFacts> waves = List.of();

    public Optional<WaveFacts> byCode(String code) {
        return waves.stream().filter(w -> w.code().equals(code)).findFirst();
    }

    /** The current wave if it is open at {@code now}: the wave a registration without a code goes to. */
    public Optional<WaveFacts> openAt(Instant now) {
        return CurrentWave.openAt(waves, now);
    }

    /** Replaces the copy with every wave as the database just reported them. */
    public void replace(List<WaveFacts> current) {
        waves = List.copyOf(current);
    }
}
