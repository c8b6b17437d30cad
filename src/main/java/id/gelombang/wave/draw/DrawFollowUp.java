package id.gelombang.wave.draw;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * Work that must commit with a draw, or not at all: run inside the draw's publication once every
 * verdict is written (the outcome notices). Features above the wave implement it, so the draw
 * does not depend on them.
 */
public interface DrawFollowUp {

    /**
     * The wave {@code waveId} was just drawn; {@code notifyNotSelected}: its NOT_SELECTED
     * registrants are to be told too. Set-based, never a statement per registration.
     */
    Uni<Void> drawn(long waveId, boolean notifyNotSelected, Instant now);
}
