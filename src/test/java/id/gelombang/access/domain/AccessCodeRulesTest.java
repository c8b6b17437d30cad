package id.gelombang.access.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.FieldErrors.FieldError;

class AccessCodeRulesTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);

    @Test
    void anIdentityIsAWellFormedNikAndTheBirthDateItEncodes() {
        FieldErrors errors = new FieldErrors();
        AccessCodeRules.Identity identity = AccessCodeRules.identity("3171234501900001", "1990-01-05", TODAY, errors);
        assertThat(errors.isEmpty()).isTrue();
        assertThat(identity.nik().digits()).isEqualTo("3171234501900001");
        assertThat(identity.birthDate()).isEqualTo(LocalDate.of(1990, 1, 5));
        assertThat(identity.toString()).doesNotContain("3171234501900001", "1990");
        // The NIK carries two digits of the year: another century is a date it encodes too.
        assertThat(AccessCodeRules.identity("3171234501900001", "1890-01-05", TODAY, new FieldErrors())).isNull();
        assertThat(AccessCodeRules.identity("3171230501050001", "2005-01-05", TODAY, new FieldErrors())).isNotNull();
    }

    @Test
    void everyProblemIsListed() {
        assertThat(fields(null, null)).containsExactlyInAnyOrder("nik", "birthDate");
        assertThat(fields("3171234501900001", "1990-02-05")).containsExactly("nik");
        assertThat(fields("0071234501900001", "1990-01-05")).containsExactly("nik");
        assertThat(fields("3171234501900001", "05-01-1990")).containsExactly("birthDate");
        assertThat(fields("3171234501900001", "1990-02-30")).containsExactly("birthDate");
        assertThat(fields("3171230101270001", "2027-01-01")).as("born after today").containsExactly("birthDate");
    }

    @Test
    void codesAreSixDigits() {
        for (String bad : new String[] {null, "", "12345", "1234567", "12a456", " 123456", "１２３４５６"}) {
            FieldErrors errors = new FieldErrors();
            AccessCodeRules.checkCode(bad, errors);
            assertThat(errors.has("code")).as(String.valueOf(bad)).isTrue();
        }
        FieldErrors errors = new FieldErrors();
        AccessCodeRules.checkCode("042137", errors);
        assertThat(errors.isEmpty()).isTrue();
    }

    @Test
    void aSupportTicketNamesTheCaseAndNoPerson() {
        for (String good : new String[] {"SUP-2026-0042", "JIRA:OPS-1234567", "zendesk#998877", "a"}) {
            FieldErrors errors = new FieldErrors();
            AccessCodeRules.checkTicket(good, errors);
            assertThat(errors.isEmpty()).as(good).isTrue();
        }
        for (String bad : new String[] {null, "", "siti@example.com", "NIK 3171234501900001", "08123456789", "-SUP",
                "SUP-" + "x".repeat(61)}) {
            FieldErrors errors = new FieldErrors();
            AccessCodeRules.checkTicket(bad, errors);
            assertThat(errors.has("ticket")).as(String.valueOf(bad)).isTrue();
        }
    }

    private static java.util.List<String> fields(String nik, String birthDate) {
        FieldErrors errors = new FieldErrors();
        AccessCodeRules.identity(nik, birthDate, TODAY, errors);
        return errors.list().stream().map(FieldError::field).distinct().toList();
    }
}
