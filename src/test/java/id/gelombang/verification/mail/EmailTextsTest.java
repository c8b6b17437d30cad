package id.gelombang.verification.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import id.gelombang.verification.mail.EmailTexts.Outcome;

class EmailTextsTest {

    private static final String MASKED = "3171************0001";

    @Test
    void anAccessCodeMailHasTheCodeBothLanguagesAndNothingElseOfThePerson() {
        OutgoingEmail mail = EmailTexts.accessCode("siti@example.com", MASKED, "2026-1", "042137", Duration.ofMinutes(10),
                Optional.empty());
        assertThat(mail.to()).isEqualTo("siti@example.com");
        assertThat(mail.subject()).isEqualTo("Kode masuk Gelombang: 042137");
        assertThat(mail.body()).contains("042137", MASKED, "2026-1", "10 menit", "10 minutes", "Kode masuk Anda",
                "Your Gelombang sign-in code").doesNotContain("http", "siti");
        assertThat(mail.toString()).doesNotContain("siti", "042137");
    }

    @Test
    void theSitesPlainAddressIsNamedWhenConfigured() {
        Optional<URI> site = Optional.of(URI.create("https://daftar.gelombang.id/"));
        assertThat(EmailTexts.accessCode("a@example.com", MASKED, "2026-1", "042137", Duration.ofMinutes(10), site).body())
                .contains("halaman pendaftaran (https://daftar.gelombang.id/)", "registration page (https://daftar.gelombang.id/)");
        assertThat(EmailTexts.outcome("a@example.com", Outcome.RELEASED_EMAIL_UNCONFIRMED, MASKED, "2026-1", Optional.empty()).body())
                .contains("tidak dikonfirmasi", "not confirmed", "not checked");
        assertThat(EmailTexts.outcome("a@example.com", Outcome.SELECTED, MASKED, "2026-1", site).body())
                .contains("(https://daftar.gelombang.id/)");
    }

    @Test
    void everyOutcomeIsToldInBothLanguagesWithTheWayBack() {
        for (Outcome outcome : Outcome.values()) {
            OutgoingEmail mail = EmailTexts.outcome("siti@example.com", outcome, MASKED, "2026-1", Optional.empty());
            assertThat(mail.subject()).as(outcome.name()).contains("2026-1");
            assertThat(mail.body()).as(outcome.name()).contains(MASKED, "2026-1").doesNotContain("http", "siti");
            if (outcome != Outcome.VOIDED) {
                assertThat(mail.body()).as(outcome.name()).contains("Sudah mendaftar? Cek status", "Already registered? Check status");
            }
        }
        // A voided registration is erased once this is mailed: there is nothing to come back to, only whom to ask.
        assertThat(EmailTexts.outcome("a@example.com", Outcome.VOIDED, MASKED, "2026-1", Optional.empty()).body())
                .contains("dibatalkan", "voided", "KTP", "help desk").doesNotContain("Cek status", "Check status");
        assertThat(EmailTexts.outcome("a@example.com", Outcome.NIK_REJECTED, MASKED, "2026-1", Optional.empty()).body())
                .contains("Yang dapat Anda lakukan", "What you can do", "Dukcapil");
        assertThat(EmailTexts.outcome("a@example.com", Outcome.SELECTED, MASKED, "2026-1", Optional.empty()).subject())
                .contains("Anda terpilih");
        assertThat(EmailTexts.outcome("a@example.com", Outcome.NOT_SELECTED, MASKED, "2026-1", Optional.empty()).body())
                .contains("tidak terpilih", "not selected", "gelombang berikutnya", "later wave");
    }
}
