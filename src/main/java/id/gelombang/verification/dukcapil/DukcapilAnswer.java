package id.gelombang.verification.dukcapil;

import java.time.Duration;

/** What the civil registry said about one NIK check (see docs/dukcapil-api.md). */
public sealed interface DukcapilAnswer {

    /** The NIK exists and the name, birth date and sex match it. */
    record Match() implements DukcapilAnswer {
    }

    /** The registry answered, and the registrant's details do not stand: {@code reason} is shown to them. */
    record NoMatch(String reason) implements DukcapilAnswer {
    }

    /** Over the organisation's rate or quota at the registry's side: ask again after {@code retryAfter}. */
    record Throttled(Duration retryAfter) implements DukcapilAnswer {
    }
}
