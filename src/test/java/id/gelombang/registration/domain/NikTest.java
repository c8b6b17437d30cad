package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import id.gelombang.common.problem.FieldErrors;

class NikTest {

    @ParameterizedTest(name = "{0} is a valid NIK ({1})")
    @CsvSource({
            "3171234501900001, woman born 5 Jan 1990 (45 = 5 + 40)",
            "3171230501900001, man born 5 Jan 1990",
            "1101010101000001, Aceh, born 1 Jan 2000",
            "9601017112990001, Papua Barat Daya, woman born 31 Dec 1999",
            "3273016902000007, woman born 29 Feb 2000",
            "3273012902960001, man born 29 Feb 1996",
            "3171233112909999, highest serial",
    })
    void accepts(String nik, String why) {
        FieldErrors errors = new FieldErrors();
        assertThat(Nik.parse(nik, "nik", errors)).as(why).isNotNull();
        assertThat(errors.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
            "317123450190000, 15 digits, must be exactly 16 digits",
            "31712345019000011, 17 digits, must be exactly 16 digits",
            "317123450190000A, a letter, must be exactly 16 digits",
            "2071234501900001, province 20 does not exist, unknown province code",
            "1071234501900001, province 10 does not exist, unknown province code",
            "9771234501900001, province 97 does not exist, unknown province code",
            "3100234501900001, regency 00, regency code 00 does not exist",
            "3171004501900001, district 00, district code 00 does not exist",
            "3171230001900001, day 00, 'birth day must be 01-31, or 41-71 for women'",
            "3171233201900001, day 32, 'birth day must be 01-31, or 41-71 for women'",
            "3171237201900001, day 72 (32 for a woman), 'birth day must be 01-31, or 41-71 for women'",
            "3171234001900001, day 40, 'birth day must be 01-31, or 41-71 for women'",
            "3171230113900001, month 13, encodes a birth date that does not exist",
            "3171233002900001, 30 February, encodes a birth date that does not exist",
            "3171232902970001, 29 Feb in 1997 and 2097, encodes a birth date that does not exist",
            "3171234501900000, serial 0000, serial number 0000 is never issued",
    })
    void refuses(String nik, String why, String message) {
        FieldErrors errors = new FieldErrors();
        assertThat(Nik.parse(nik, "nik", errors)).as(why).isNull();
        assertThat(errors.list()).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo(message));
    }

    @ParameterizedTest(name = "{0} encodes {1} for a {2}")
    @CsvSource({
            "3171234501900001, 1990-01-05, F",
            "3171230501900001, 1990-01-05, M",
            "3273016902000007, 2000-02-29, F",
    })
    void encodesBirthDateAndSex(String digits, LocalDate birthDate, Sex sex) {
        Nik nik = Nik.parse(digits, "nik", new FieldErrors());
        assertThat(nik.encodes(birthDate)).isTrue();
        assertThat(nik.encodes(birthDate.plusDays(1))).isFalse();
        assertThat(nik.encodes(birthDate.plusYears(1))).isFalse();
        assertThat(nik.sex()).isEqualTo(sex);
    }

    @org.junit.jupiter.api.Test
    void masksAllButFirstAndLastFourDigits() {
        Nik nik = Nik.parse("3171234501900001", "nik", new FieldErrors());
        assertThat(nik.masked()).isEqualTo("3171************0001");
        assertThat(nik.toString()).doesNotContain("450190");
    }
}
