package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.FieldErrors;

class VoidCaseTest {

    @Test
    void caseNumbersAsOfficesWriteThemAreTaken() {
        for (String reference : new String[] { "DUKCAPIL-2026-000123", "LP/B/1234/XII/2026/SPKT", "HD#88213", "c-77", "2026:JKT:0042" }) {
            FieldErrors errors = new FieldErrors();
            assertThat(VoidCase.check(reference, "caseReference", errors)).as(reference).isEqualTo(reference);
            assertThat(errors.isEmpty()).as(reference).isTrue();
        }
    }

    @Test
    void namesAddressesNumbersWithSpacesPersonalNumbersAndAnythingTooShortOrLongAreNot() {
        for (String reference : new String[] { "Siti Rahayu", "SitiRahayu", "siti1@example.com", "12", "ab 123", "-123",
                "3171234501900001", "NIK-3171234501900001", "081234567890",
                "x".repeat(64) + "1", "" }) {
            FieldErrors errors = new FieldErrors();
            assertThat(VoidCase.check(reference, "caseReference", errors)).as(reference).isNull();
            assertThat(errors.has("caseReference")).as(reference).isTrue();
        }
        FieldErrors errors = new FieldErrors();
        assertThat(VoidCase.check(null, "caseReference", errors)).isNull();
        assertThat(errors.has("caseReference")).isTrue();
    }
}
