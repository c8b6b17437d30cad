package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressTest {

    @Test
    void oneMailboxHasOneCanonicalFormWhateverTheSpelling() {
        assertThat(EmailAddress.canonical("Siti.Rahayu+gelombang@Gmail.com")).isEqualTo("sitirahayu@gmail.com");
        assertThat(EmailAddress.canonical("sitirahayu@googlemail.com")).isEqualTo("sitirahayu@gmail.com");
        assertThat(EmailAddress.canonical("s.i.t.i.rahayu@gmail.com")).isEqualTo("sitirahayu@gmail.com");
        assertThat(EmailAddress.canonical("Budi+wave2@Example.co.id")).isEqualTo("budi@example.co.id");
    }

    @Test
    void dotsAreKeptWhereTheyNameAnotherMailboxAndATagAloneIsAnAddress() {
        // Dots matter outside Gmail: these are two people.
        assertThat(EmailAddress.canonical("siti.rahayu@example.com")).isNotEqualTo(EmailAddress.canonical("sitirahayu@example.com"));
        // A local part that starts with "+" has no tag to strip.
        assertThat(EmailAddress.canonical("+62812@example.com")).isEqualTo("+62812@example.com");
    }

    @Test
    void masksAllButTheFirstCharacterAndTheDomain() {
        assertThat(EmailAddress.mask("siti@example.com")).isEqualTo("s***@example.com");
    }
}
