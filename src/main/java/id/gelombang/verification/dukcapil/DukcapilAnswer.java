package id.gelombang.verification.dukcapil;

import id.gelombang.registration.domain.NikRejection;

/** What the civil registry said about one NIK check (see docs/dukcapil-api.md). */
public sealed interface DukcapilAnswer {

    /** The NIK exists and the name, birth date and sex match it. */
    record Match() implements DukcapilAnswer {
    }

    /** The registry answered, and the registrant's details do not stand: {@code reason} is shown to them. */
    record NoMatch(NikRejection reason) implements DukcapilAnswer {
    }
}
