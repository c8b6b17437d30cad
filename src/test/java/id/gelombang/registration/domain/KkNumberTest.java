package id.gelombang.registration.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import id.gelombang.common.problem.FieldErrors;

class KkNumberTest {

    @ParameterizedTest(name = "{0} is a valid family card")
    @CsvSource({ "3171230101900002", "1101012902000001", "9601013112999999" })
    void accepts(String kk) {
        assertThat(KkNumber.parse(kk, "kkNumber", new FieldErrors())).isNotNull();
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
            "317123010190000, must be exactly 16 digits",
            "31712301019000021, must be exactly 16 digits",
            "2071230101900002, unknown province code",
            "3100230101900002, regency code 00 does not exist",
            "3171000101900002, district code 00 does not exist",
            "3171233201900002, encodes an issue date that does not exist",
            "3171232902970002, encodes an issue date that does not exist",
            "3171230101900000, serial number 0000 is never issued",
    })
    void refuses(String kk, String message) {
        FieldErrors errors = new FieldErrors();
        assertThat(KkNumber.parse(kk, "kkNumber", errors)).isNull();
        assertThat(errors.list()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("kkNumber");
            assertThat(e.message()).isEqualTo(message);
        });
    }
}
